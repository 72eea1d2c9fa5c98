#!/bin/sh
# Restore an archive of deploy/backup.sh into an EMPTY database (create it first: createdb -O surveyapp NAME).
#
#   DATABASE_URL=postgresql://surveyapp@db-host/surveyapp_restored deploy/restore.sh ARCHIVE
#
# Refuses a database that already has tables, so a restore can never mix with live data. Everything is
# restored in one transaction: either all of it or nothing. Afterwards point DATABASE_URL of the app servers at
# the restored database (or rename it) and restart every app server (they cache published versions).
set -eu

archive=${1:?usage: restore.sh ARCHIVE   (DATABASE_URL = the empty database to restore into)}
: "${DATABASE_URL:?set DATABASE_URL to the empty database to restore into}"
url=$(printf '%s' "$DATABASE_URL" | sed -e 's#^postgresql+psycopg://#postgresql://#' -e 's#^postgres://#postgresql://#')

[ -r "$archive" ] || { echo "restore.sh: cannot read $archive" >&2; exit 1; }
pg_restore --list "$archive" >/dev/null || { echo "restore.sh: $archive is not a pg_dump custom archive" >&2; exit 1; }

tables=$(psql --no-psqlrc --quiet --tuples-only --no-align --dbname="$url" \
    --command="SELECT count(*) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')")
if [ "$tables" != "0" ]; then
    echo "restore.sh: the target database has $tables table(s); restore only into an empty database" >&2
    exit 1
fi

pg_restore --no-owner --no-acl --exit-on-error --single-transaction --dbname="$url" "$archive"
echo "restored $archive; now restart every app server"
