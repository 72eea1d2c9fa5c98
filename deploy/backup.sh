#!/bin/sh
# Back up the survey platform's PostgreSQL database: one pg_dump archive in custom format (compressed; restore
# with deploy/restore.sh or pg_restore, whole or table by table).
#
#   DATABASE_URL=postgresql://surveyapp@db-host/surveyapp deploy/backup.sh [ARCHIVE]
#
# Without ARCHIVE the file is $BACKUP_DIR/surveyapp-<UTC time>.dump (BACKUP_DIR defaults to the current
# folder) and archives older than $BACKUP_KEEP_DAYS days (if set) are removed afterwards. The password comes
# from the URL or ~/.pgpass. Prints the archive's path. Archives hold every answer: keep them as private as
# the database (mode 600, encrypted off-site copies).
set -eu

: "${DATABASE_URL:?set DATABASE_URL to the database to back up}"
# The app's SQLAlchemy form (postgresql+psycopg://) is not a libpq URL.
url=$(printf '%s' "$DATABASE_URL" | sed -e 's#^postgresql+psycopg://#postgresql://#' -e 's#^postgres://#postgresql://#')

if [ $# -ge 1 ]; then
    archive=$1
else
    dir=${BACKUP_DIR:-.}
    mkdir -p "$dir"
    archive="$dir/surveyapp-$(date -u +%Y%m%dT%H%M%SZ).dump"
fi

umask 077
# A consistent snapshot while the app keeps running; the archive appears only when complete.
pg_dump --format=custom --no-owner --no-acl --dbname="$url" --file="$archive.partial"
pg_restore --list "$archive.partial" >/dev/null  # readable from end to end
mv "$archive.partial" "$archive"

if [ $# -eq 0 ] && [ -n "${BACKUP_KEEP_DAYS:-}" ]; then
    find "$dir" -maxdepth 1 -name 'surveyapp-*.dump' -mtime +"$BACKUP_KEEP_DAYS" -delete
fi
echo "$archive"
