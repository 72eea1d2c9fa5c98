"""Exceptions raised by the analysis package.

Every problem with the caller's input raises a subclass of :class:`AnalysisError`, so the web app and the
CLI can turn it into a clear message with one ``except`` clause. Messages name the column, category or
stratum at fault because the person reading them usually cannot see the code.
"""

from __future__ import annotations


class AnalysisError(Exception):
    """Base class for every error the analysis package raises on bad input."""


class DataError(AnalysisError):
    """A column is missing, has the wrong type or holds values that cannot be analysed."""


class WeightError(AnalysisError):
    """Weights or selection probabilities are missing, negative, non-numeric or cannot be adjusted."""


class DesignError(AnalysisError):
    """Strata, clusters or the finite population correction are inconsistent."""


class LonelyPSUError(DesignError):
    """A stratum has a single PSU and the design was told to refuse that (the default)."""


class MarginError(AnalysisError):
    """Population margins do not fit the sample (unknown or missing categories, unequal totals)."""


class ConvergenceError(AnalysisError):
    """Raking or trimming did not reach the tolerance within the iteration limit."""


class EstimationError(AnalysisError):
    """An estimate cannot be computed, for example because its domain is empty."""


class ProgrammeError(AnalysisError):
    """A programme file (indicators and targets) or a survey definition in it is missing, malformed or
    does not fit the questionnaire; the message names the file and the key at fault."""
