"""The PostgreSQL database a benchmark makes for itself on the machine's server (never ``test``)."""

from __future__ import annotations

import psycopg

SERVER = "postgresql://postgres@127.0.0.1:5432"
_SHARED = {"test", "postgres", "template0", "template1"}


def recreate(name: str) -> str:
    """Drop and create database ``name``; its SQLAlchemy URL."""
    if name in _SHARED:
        raise SystemExit(f"refusing to drop database {name!r}: give the benchmark a database of its own")
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"


def drop(name: str) -> None:
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
