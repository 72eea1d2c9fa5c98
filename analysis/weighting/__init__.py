"""Survey weighting: base weights, nonresponse adjustment, post-stratification, raking, trimming.

Every function returns new weights and leaves its inputs untouched. :func:`rake` and
:func:`poststratify` return :class:`CalibratedWeights`, which carry the margin model so that a
:class:`~analysis.design.Design` built on them computes calibration-aware variances.

Modules: :mod:`.margins` (reading population margins), :mod:`.adjustments` (base weights, nonresponse,
trimming), :mod:`.raking` (raking and post-stratification), :mod:`.summary` (diagnostics) and
:mod:`.calibrated` (the weights these functions accept and return).
"""

from __future__ import annotations

from .adjustments import adjust_nonresponse, base_weights, trim
from .calibrated import CalibratedWeights
from .margins import Margins, margins_from_frame, read_margins
from .raking import calibrate, margin_columns, poststratify, rake
from .summary import WeightDiagnostics, diagnostics

__all__ = [
    "CalibratedWeights",
    "Margins",
    "WeightDiagnostics",
    "adjust_nonresponse",
    "base_weights",
    "calibrate",
    "diagnostics",
    "margin_columns",
    "margins_from_frame",
    "poststratify",
    "rake",
    "read_margins",
    "trim",
]
