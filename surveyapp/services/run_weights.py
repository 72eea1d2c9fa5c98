"""The final weights a computation run used, one per response: written with the run, read by the exports."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sqlalchemy import insert, select

from surveyapp.extensions import db
from surveyapp.models import RunWeight

_BATCH = 10_000
_READ_BATCH = 2_000  # rows of weights held as Python objects at once when reading them back


def store_weights(run_id: int, response_ids: np.ndarray, weights: np.ndarray) -> None:
    """Write one row per response; PostgreSQL through COPY (a million rows in seconds), others in batches."""
    ids = np.asarray(response_ids, dtype=np.int64)
    values = np.asarray(weights, dtype=np.float64)
    if db.session.get_bind().dialect.name == "postgresql":
        connection = db.session.connection().connection.driver_connection
        assert connection is not None  # a checked-out pool connection always has its driver's
        with (
            connection.cursor() as cursor,
            cursor.copy("COPY run_weight (run_id, response_id, weight) FROM STDIN") as copy,
        ):
            for start in range(0, len(ids), _BATCH):
                block = "".join(
                    f"{run_id}\t{i}\t{w!r}\n"
                    for i, w in zip(
                        ids[start : start + _BATCH].tolist(), values[start : start + _BATCH].tolist(), strict=True
                    )
                )
                copy.write(block)
        return
    for start in range(0, len(ids), _BATCH):
        rows = [
            {"run_id": run_id, "response_id": i, "weight": w}
            for i, w in zip(ids[start : start + _BATCH].tolist(), values[start : start + _BATCH].tolist(), strict=True)
        ]
        db.session.execute(insert(RunWeight), rows)


def run_weights(run_id: int) -> pd.Series:
    """The run's final weight per response id (float64, indexed by response id).

    Read a partition at a time into arrays: a list of every result row would cost about 250 bytes a response
    (250 MB at a million, in the export's peak memory) where the arrays need 16."""
    query = (
        select(RunWeight.response_id, RunWeight.weight)
        .where(RunWeight.run_id == run_id)
        .execution_options(yield_per=_READ_BATCH)
    )
    ids: list[np.ndarray] = []
    weights: list[np.ndarray] = []
    for part in db.session.execute(query).partitions():
        ids.append(np.fromiter((row[0] for row in part), dtype=np.int64, count=len(part)))
        weights.append(np.fromiter((row[1] for row in part), dtype=np.float64, count=len(part)))
    return pd.Series(
        np.concatenate(weights) if weights else np.empty(0, dtype=np.float64),
        index=pd.Index(np.concatenate(ids) if ids else np.empty(0, dtype=np.int64), name="response_id"),
        dtype="float64",
    )
