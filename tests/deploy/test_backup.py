"""deploy/backup.sh and deploy/restore.sh: a restored database holds every row of the original, byte for byte."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from flask_migrate import upgrade
from sqlalchemy.engine import make_url

from surveyapp import create_app
from surveyapp.extensions import db

ROOT = Path(__file__).resolve().parents[2]
TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "").strip()

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not TEST_DATABASE_URL.startswith("postgresql"), reason="needs TEST_DATABASE_URL on PostgreSQL"),
    pytest.mark.skipif(shutil.which("pg_dump") is None, reason="needs pg_dump and pg_restore"),
]


def _libpq(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


@pytest.fixture
def databases() -> Iterator[tuple[str, str]]:
    """Two databases of this test's own on the test server: the original and the empty restore target."""
    base = make_url(TEST_DATABASE_URL)
    names = [f"{base.database}_backup_src", f"{base.database}_backup_dst"]
    admin = _libpq(base.set(database="postgres").render_as_string(hide_password=False))

    def drop() -> None:
        with psycopg.connect(admin, autocommit=True) as conn:
            for name in names:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    drop()
    with psycopg.connect(admin, autocommit=True) as conn:
        for name in names:
            conn.execute(f'CREATE DATABASE "{name}"')
    yield tuple(base.set(database=n).render_as_string(hide_password=False) for n in names)  # type: ignore[misc]
    drop()


def _fill_with_demo(url: str, tmp_path: Path) -> None:
    app = create_app({
        "TESTING": True, "SECRET_KEY": "test-secret", "SQLALCHEMY_DATABASE_URI": url,
        "DEMO_LOGINS_FILE": str(tmp_path / "demo-logins.txt"), "DEMO_DIR": str(tmp_path / "demo"),
    })  # fmt: skip
    with app.app_context():
        upgrade()
        result = app.test_cli_runner().invoke(args=["demo", "init", "--adults", "300", "--pupils", "150"])
        assert result.exit_code == 0, result.output
        db.session.remove()
        db.engine.dispose()


def _row_hashes(url: str) -> dict[str, list[str]]:
    """Per table, the sorted md5 of every row's text form (every column; alembic_version included)."""
    with psycopg.connect(_libpq(url)) as conn:
        tables = [r[0] for r in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
        )]  # fmt: skip
        hashes = {}
        for table in tables:
            rows = conn.execute(f'SELECT md5(t::text) AS h FROM "{table}" t ORDER BY 1').fetchall()
            hashes[table] = [r[0] for r in rows]
    return hashes


def _script(name: str, url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, DATABASE_URL=url)
    return subprocess.run(["sh", str(ROOT / "deploy" / name), *args], env=env, capture_output=True, text=True,
                          timeout=300)  # fmt: skip


def test_backup_restores_every_response_version_and_result(databases: tuple[str, str], tmp_path: Path) -> None:
    source, target = databases
    _fill_with_demo(source, tmp_path)
    before = _row_hashes(source)
    for table in ("response", "questionnaire_version", "indicator_result", "computation_run", "user_account"):
        assert before[table], f"the demo left {table} empty: nothing would be proven"

    archive = tmp_path / "backup.dump"
    done = _script("backup.sh", source, str(archive))
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str(archive)
    assert archive.read_bytes()[:5] == b"PGDMP"  # pg_dump custom format

    done = _script("restore.sh", target, str(archive))
    assert done.returncode == 0, done.stderr
    assert _row_hashes(target) == before

    # A second restore into the now filled database is refused, and changes nothing.
    done = _script("restore.sh", target, str(archive))
    assert done.returncode == 1
    assert "restore only into an empty database" in done.stderr
    assert _row_hashes(target) == before


def test_restore_refuses_a_file_that_is_not_an_archive(databases: tuple[str, str], tmp_path: Path) -> None:
    junk = tmp_path / "junk.dump"
    junk.write_text("not an archive")
    done = _script("restore.sh", databases[1], str(junk))
    assert done.returncode == 1
    assert "is not a pg_dump custom archive" in done.stderr
