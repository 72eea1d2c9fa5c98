"""The command line's replicate-weight options and its ``quantile`` and ``crosstab`` commands.

Kept out of :mod:`analysis.cli` so that module stays about the design and the estimates; the options here
are added to ``estimate``, ``quantile`` and ``crosstab`` and applied by :func:`apply` after the design is
built. See ``analysis/README.md`` ("Replicate weights") for the contract.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import re
from typing import TYPE_CHECKING, Any

from analysis.design import Design
from analysis.errors import AnalysisError
from analysis.replicates import ReplicateType

if TYPE_CHECKING:
    from collections.abc import Callable

# Created from the design: the types the CLI offers (Fay is BRR with --fay-rho).
CREATED = ("jk1", "jkn", "bootstrap", "brr")
DEFAULT_SEED = 1


class ReplicateUsageError(AnalysisError):
    """The replicate options contradict each other (reported as a usage error, exit 2)."""


def add_options(parser: argparse.ArgumentParser, number: Callable[[str], int]) -> None:
    group = parser.add_argument_group("replicate weights (variance from replicates instead of linearisation)")
    group.add_argument("--replicates", default=None, choices=CREATED,
                       help="build replicate weights from the design (R's as.svrepdesign type)")
    group.add_argument("--replicates-n", type=number, default=None, metavar="N",
                       help="bootstrap replicates (default 50)")
    group.add_argument("--seed", type=int, default=None, help=f"bootstrap seed (default {DEFAULT_SEED})")
    group.add_argument("--fay-rho", type=float, default=None, metavar="RHO", help="Fay's rho for brr / fay")
    group.add_argument("--replicate-weights", default=None, metavar="PREFIX",
                       help="replicate weight columns: a prefix or regular expression matched at the start "
                            "of column names (R's svrepdesign repweights=)")
    group.add_argument("--replicate-type", default=None, choices=[t.value for t in ReplicateType],
                       help="type of the replicate weights in the file")
    group.add_argument("--replicate-scale", type=float, default=None, metavar="X",
                       help="overall scale (default from the type, as R's svrepdesign)")
    group.add_argument("--replicate-rscales", default=None, metavar="R1,R2,...",
                       help="per-replicate scales, comma-separated (one value applies to all)")
    group.add_argument("--mse", action="store_true",
                       help="centre replicates on the full-sample estimate instead of their mean")


def replicate_columns(args: argparse.Namespace, header: list[str]) -> list[str]:
    """The file's replicate weight columns (checked), or [] without --replicate-weights."""
    _check(args)
    if args.replicate_weights is None:
        return []
    try:
        pattern = re.compile(args.replicate_weights)
    except re.error as exc:
        raise ReplicateUsageError(f"--replicate-weights {args.replicate_weights!r} is not a valid pattern: {exc}"
                                  ) from None
    columns = [c for c in header if pattern.match(c)]
    if len(columns) < 2:
        raise ReplicateUsageError(
            f"--replicate-weights {args.replicate_weights!r} matches {len(columns)} column(s) of the data; "
            "give the prefix shared by the replicate weight columns (e.g. repw for repw1..repw80)"
        )
    return columns


def _check(args: argparse.Namespace) -> None:
    created, given = args.replicates is not None, args.replicate_weights is not None
    if created and given:
        raise ReplicateUsageError("use either --replicates (build from the design) or --replicate-weights "
                                  "(read from the file), not both")
    if (args.replicates_n is not None or args.seed is not None) and args.replicates != "bootstrap":
        raise ReplicateUsageError("--replicates-n and --seed only apply to --replicates bootstrap")
    if given and args.replicate_type is None:
        raise ReplicateUsageError("--replicate-weights needs --replicate-type (jk1, jkn, bootstrap, brr, fay, other)")
    if not given and any(v is not None for v in (args.replicate_type, args.replicate_scale, args.replicate_rscales)):
        raise ReplicateUsageError("--replicate-type, --replicate-scale and --replicate-rscales need "
                                  "--replicate-weights")
    if args.mse and not (created or given):
        raise ReplicateUsageError("--mse needs --replicates or --replicate-weights")
    if args.fay_rho is not None and args.replicates not in ("brr", None):
        raise ReplicateUsageError("--fay-rho only applies to brr (or to --replicate-type fay)")


def apply(args: argparse.Namespace, design: Design, columns: list[str]) -> Design:
    if args.replicates is not None:
        seed = args.seed if args.seed is not None or args.replicates != "bootstrap" else DEFAULT_SEED
        return design.with_replicates(args.replicates, replicates=args.replicates_n, seed=seed,
                                      fay_rho=args.fay_rho or 0.0, mse=args.mse)
    if columns:
        return design.with_replicate_weights(columns, args.replicate_type, scale=args.replicate_scale,
                                             rscales=_rscales(args.replicate_rscales), fay_rho=args.fay_rho,
                                             mse=args.mse)
    return design


def _rscales(text: str | None) -> list[float] | None:
    if text is None:
        return None
    try:
        return [float(v) for v in text.split(",")]
    except ValueError:
        raise ReplicateUsageError(f"--replicate-rscales must be numbers separated by commas, got {text!r}"
                                  ) from None


def variance_summary(design: Design) -> dict[str, Any] | None:
    rep = design.replicates
    if rep is None:
        return None
    return {"method": rep.type.value, "replicates": rep.n_replicates, "scale": rep.scale, "mse": rep.mse,
            "df": rep.df}


def dumps(record: dict[str, Any]) -> str:
    return json.dumps(record, indent=2) + "\n"


def as_record(value: Any, number: Callable[[Any], Any]) -> dict[str, Any]:
    return {k: number(v) for k, v in dataclasses.asdict(value).items()}
