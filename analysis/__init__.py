"""Survey weighting and design-based estimation that reproduces R's ``survey`` package.

A plain library: it imports neither Flask nor ``surveyapp`` so the web app, the indicator code, the CLI
(``python -m analysis``) and notebooks can all use it.

    >>> from analysis import Design, proportion
    >>> design = Design.from_frame(df, weights="w", strata="stratum", cluster="psu")
    >>> proportion(design, "q1", ["yes"], by="region")
"""

from analysis.change import Change, change
from analysis.ci import CIMethod
from analysis.contrast import Contrast, Versus, contrast
from analysis.design import Design, LonelyPSU
from analysis.errors import (
    AnalysisError,
    ConvergenceError,
    DataError,
    DesignError,
    EstimationError,
    LonelyPSUError,
    MarginError,
    WeightError,
)
from analysis.estimate import Estimate, mean, proportion, ratio, to_frame, total
from analysis.weighting import (
    CalibratedWeights,
    WeightDiagnostics,
    adjust_nonresponse,
    base_weights,
    diagnostics,
    margins_from_frame,
    poststratify,
    rake,
    read_margins,
    trim,
)

__all__ = [
    "AnalysisError",
    "CIMethod",
    "CalibratedWeights",
    "Change",
    "Contrast",
    "ConvergenceError",
    "DataError",
    "Design",
    "DesignError",
    "Estimate",
    "EstimationError",
    "LonelyPSU",
    "LonelyPSUError",
    "MarginError",
    "Versus",
    "WeightDiagnostics",
    "WeightError",
    "adjust_nonresponse",
    "base_weights",
    "change",
    "contrast",
    "diagnostics",
    "margins_from_frame",
    "mean",
    "poststratify",
    "proportion",
    "rake",
    "ratio",
    "read_margins",
    "to_frame",
    "total",
    "trim",
]
