"""How pooled database connections are checked before use."""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import event, exc
from sqlalchemy.engine import Engine
from sqlalchemy.pool import ConnectionPoolEntry, PoolProxiedConnection

_RETURNED_AT = "surveyapp_returned_at"


def ping_after_idle(engine: Engine, idle_seconds: float) -> None:
    """Ping a pooled connection before use only when it has been idle longer than ``idle_seconds``.

    SQLAlchemy's ``pool_pre_ping`` pings on every checkout: one more round trip on every request, a sixth of
    the database work of a respondent's page. A connection handed back a moment ago is alive (the server would
    have to restart within that moment); one that sat in the pool longer may have been closed by a restart, a
    firewall or an idle timeout, and is pinged as before. A dead one is replaced by a fresh connection before
    the request sees it, by the pool's documented retry on ``DisconnectionError``.
    """

    @event.listens_for(engine, "checkin")
    def remember_return(dbapi_connection: Any, record: ConnectionPoolEntry) -> None:
        if dbapi_connection is not None:
            record.info[_RETURNED_AT] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def ping_if_idle(dbapi_connection: Any, record: ConnectionPoolEntry, proxy: PoolProxiedConnection) -> None:
        returned_at = record.info.get(_RETURNED_AT)
        if returned_at is None or time.monotonic() - returned_at <= idle_seconds:
            return  # a brand-new connection, or one in use a moment ago
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as error:
            raise exc.DisconnectionError(f"pooled connection failed its ping: {error}") from error
