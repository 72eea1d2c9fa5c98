"""Replicate weights in an export (repw_1..repw_R): built by the analysis engine from the run's design, so that
R's ``svrepdesign`` or Stata's ``svyset`` on the file gives the SEs the platform gives for the same design.

The design is that of the run's rows of this export: the run's final (calibrated) weights, the strata and PSUs
of each response (a response without a PSU is its own, as in the computation) and the run's lonely-PSU rule.
Replicate r weighs row k ``w_k F[psu_k, r]``; the run's weights are taken as final, so the replicates are not
raked again (the calibration's own variance reduction is not in them; the codebook says so)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

import numpy as np
import pandas as pd
from sqlalchemy import select

from analysis.design import Design
from analysis.errors import DesignError
from analysis.replicate_variance import replicate_weights
from analysis.replicates import Replicates
from analysis.stages import LonelyPSU
from surveyapp.extensions import db
from surveyapp.models import ComputationRun, SurveyResponse
from surveyapp.services.run_weights import run_weights

TYPES: Final = ("jk1", "jkn", "bootstrap", "brr")
R_TYPES: Final = {"jk1": "JK1", "jkn": "JKn", "bootstrap": "bootstrap", "brr": "BRR"}
SEED: Final = 20_240_101  # a bootstrap export is reproducible: the same run gives the same replicates


class ReplicateExportError(ValueError):
    pass


@dataclass(frozen=True)
class ExportReplicates:
    type: str
    weights: pd.DataFrame  # response id -> repw_1..repw_R (the rows of the run only)
    replicates: Replicates

    @property
    def names(self) -> list[str]:
        return list(self.weights.columns)

    def r_call(self) -> str:
        rscales = ", ".join(f"{v:.10g}" for v in self.replicates.rscales)
        return (
            f'svrepdesign(data = d[d$in_run == 1, ], weights = ~final_weight, repweights = "repw_[0-9]+", '
            f'type = "{R_TYPES[self.type]}", scale = {self.replicates.scale:.10g}, rscales = c({rscales}), '
            f"combined.weights = TRUE, mse = {'TRUE' if self.replicates.mse else 'FALSE'})"
        )

    def stata_line(self) -> str:
        first, last = self.names[0], self.names[-1]
        if self.type == "brr":
            return f"svyset [pw=final_weight], brrweight({first}-{last}) vce(brr)"
        if self.type == "bootstrap":
            # Stata divides by R, R's survey package (and this platform) by R-1: the note in the codebook says so.
            return f"svyset [pw=final_weight], bsrweight({first}-{last}) vce(bootstrap) mse"
        multipliers = " ".join(f"{self.replicates.scale * v:.10g}" for v in self.replicates.rscales)
        return f"svyset [pw=final_weight], jkrweight({first}-{last}, multiplier({multipliers})) vce(jackknife)"


def build(run_id: int, response_ids: list[int], type: str, count: int | None) -> ExportReplicates:
    """Replicate weights of the run's rows among ``response_ids``."""
    if type not in TYPES:
        raise ReplicateExportError(f"unknown replicate type {type!r}; choose one of {', '.join(TYPES)}")
    if count is not None and type != "bootstrap":
        raise ReplicateExportError(f"--replicates-n is for bootstrap only; {type} has one replicate per PSU")
    weights = run_weights(run_id)
    ids = np.asarray(sorted(set(response_ids) & set(weights.index.tolist())), dtype=np.int64)
    if len(ids) == 0:
        raise ReplicateExportError(f"computation run {run_id} weighted none of these responses: no replicates")
    designs: dict[int, dict[str, Any]] = {}
    for start in range(0, len(ids), 10_000):  # an IN list of bounded length
        block = ids[start : start + 10_000].tolist()
        rows = db.session.execute(
            select(SurveyResponse.id, SurveyResponse.design).where(SurveyResponse.id.in_(block))
        ).all()
        designs.update({int(i): d for i, d in rows})
    stratum = [_text((designs.get(i) or {}).get("stratum")) or "all" for i in ids.tolist()]
    psu = [_text((designs.get(i) or {}).get("psu")) or f"r{i}" for i in ids.tolist()]
    frame = pd.DataFrame({"w": weights.reindex(ids).to_numpy(), "stratum": stratum, "psu": psu})
    run = db.session.get(ComputationRun, run_id)
    rule = _lonely_rule(run)
    try:
        design = Design.from_frame(frame, weights="w", strata="stratum", cluster="psu", lonely_psu=rule)
        if type == "jk1" and design.n_strata == 1:
            design = Design.from_frame(frame, weights="w", cluster="psu", lonely_psu=rule)
        design = design.with_replicates(type, replicates=count, seed=SEED)
    except DesignError as error:
        raise ReplicateExportError(f"{type} replicates cannot be built for run {run_id}: {error}") from None
    matrix = replicate_weights(design)
    names = [f"repw_{r}" for r in range(1, matrix.shape[1] + 1)]
    assert design.replicates is not None
    return ExportReplicates(type, pd.DataFrame(matrix, index=pd.Index(ids), columns=names), design.replicates)


def _text(value: object) -> str:
    return "" if value is None else str(value).strip()


def _lonely_rule(run: ComputationRun | None) -> LonelyPSU:
    for info in ((run.provenance or {}).get("populations") or {}).values() if run is not None else []:
        rule = (info.get("lonely_psu") or {}).get("rule")
        if rule:
            return LonelyPSU(rule)
    return LonelyPSU.ADJUST
