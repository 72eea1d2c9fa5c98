"""Command line: ``python -m analysis rake ...`` and ``python -m analysis estimate ...``.

The names, options and JSON shape are a contract other tools (R and shell scripts) rely on: change them only
with them. Bad input exits with status 2 and one line ``error: ...`` on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import re
import sys
from collections.abc import Sequence
from typing import Any, NoReturn

import numpy as np
import pandas as pd

from analysis import ci, cli_input, cli_replicates, estimate, targets_cli, weighting
from analysis.change import change
from analysis.contrast import Versus, contrast
from analysis.crosstab import crosstab
from analysis.design import Design
from analysis.errors import AnalysisError, DataError
from analysis.quantile import QuantileRule, quantile

EXIT_BAD_INPUT = 2
ROW_FIELDS = ("by", "estimate", "se", "ci_low", "ci_high", "df", "deff", "n", "n_eff")


class UsageError(AnalysisError):
    """The command line itself is wrong (unknown option, missing value, malformed argument)."""


class _Parser(argparse.ArgumentParser):
    # argparse prints the usage block and exits; the contract wants one line, so we raise instead.
    def error(self, message: str) -> NoReturn:
        raise UsageError(message)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m analysis", description="Survey weighting and estimation.")
    commands = parser.add_subparsers(dest="command", required=True,
                                     metavar="{rake,estimate,contrast,change,quantile,crosstab,targets}")

    rake = commands.add_parser("rake", help="rake weights to population margins and write a new CSV")
    rake.add_argument("--data", required=True, help="input CSV")
    rake.add_argument("--weight", required=True, help="column with the base weights")
    rake.add_argument("--margins", required=True, help="CSV with columns variable,category,total")
    rake.add_argument("--out", required=True, help="output CSV: the input plus the raked weight column")
    rake.add_argument("--weight-name", default=None, help="name of the new column (default: COL_raked)")
    _convergence_options(rake)
    rake.add_argument("--trim", type=_bounds, default=None, metavar="LOW,HIGH",
                      help="keep raked weights within these absolute bounds (re-raking after clipping)")

    est = commands.add_parser("estimate", help="design-based estimate with SE, CI and design effect")
    est.add_argument("--data", required=True, help="input CSV")
    est.add_argument("--weight", default=None, help="weight column (default: every row weighs 1)")
    est.add_argument("--strata", default=None, help="stratum column")
    est.add_argument("--cluster", default=None, help="first-stage cluster (PSU) column")
    est.add_argument("--fpc", default=None, help="population PSUs per stratum, or sampling fraction")
    _second_stage_options(est)
    what = est.add_mutually_exclusive_group(required=True)
    what.add_argument("--mean", default=None, metavar="COL", help="numeric column to average")
    what.add_argument("--proportion", default=None, metavar="COL=V1[,V2...]",
                      help="share of rows whose COL is one of the values (numbers when COL is numeric)")
    est.add_argument("--where", default=None, metavar="EXPR", help="subpopulation (pandas query syntax)")
    est.add_argument("--by", default=None, metavar="COL", help="one estimate per value of COL")
    est.add_argument("--overall", action="store_true",
                     help="with --by: the estimate over all rows too, as the first row (by null); the file is "
                          "read and the weights calibrated once for both")
    est.add_argument("--rake-margins", default=None, metavar="MARGINS.csv",
                     help="rake the weights to these margins first (calibration-aware variance)")
    _convergence_options(est)
    est.add_argument("--ci", default="logit", choices=[m.value for m in ci.CIMethod],
                     help="CI method for --proportion (default logit)")
    est.add_argument("--level", type=_level, default=0.95, help="confidence level (default 0.95)")
    est.add_argument("--format", default="json", choices=["json", "table"], help="output format")
    cli_replicates.add_options(est, _positive_int)
    con = commands.add_parser("contrast", help="difference between two domains, with the covariance of shared PSUs")
    _data_options(con)
    con.add_argument("--by", required=True, metavar="COL", help="the column whose values name the domains")
    con.add_argument("--first", required=True, metavar="VALUE", help="first domain (the difference is first - second)")
    versus = con.add_mutually_exclusive_group(required=True)
    versus.add_argument("--second", default=None, metavar="VALUE", help="second domain")
    versus.add_argument("--versus", default=None, choices=[v.value for v in Versus],
                        help="compare with the rest of the population or the whole population")
    chg = commands.add_parser("change", help="change between two years' estimates, with SE and CI")
    chg.add_argument("--before", required=True, help="CSV of the earlier year")
    chg.add_argument("--after", required=True, help="CSV of the later year (same columns)")
    _data_options(chg, data=False)
    chg.add_argument("--panel", action="store_true",
                     help="the years share PSUs (same --strata and --cluster codes): use their covariance")
    chg.add_argument("--scale", type=float, default=1.0,
                     help="estimate after - SCALE x before (default 1; 1.05 tests a +5 %% relative target)")
    chg.set_defaults(by=None)
    qua = commands.add_parser("quantile", help="quantiles / median with Woodruff intervals (svyquantile)")
    _design_options(qua)
    qua.add_argument("--variable", required=True, metavar="COL", help="numeric column")
    qua.add_argument("--p", type=_probabilities, default=[0.5], metavar="P1[,P2...]",
                     help="probabilities (default 0.5, the median)")
    qua.add_argument("--rule", default="math", choices=[r.value for r in QuantileRule],
                     help="quantile rule (R's qrule; default math)")
    qua.add_argument("--by", default=None, metavar="COL", help="one set of quantiles per value of COL")
    qua.set_defaults(mean=None, proportion=None)
    tab = commands.add_parser("crosstab", help="two-way table with Rao-Scott chi-square test (svychisq)")
    _design_options(tab)
    tab.add_argument("--row", required=True, metavar="COL", help="row variable")
    tab.add_argument("--column", required=True, metavar="COL", help="column variable")
    tab.set_defaults(mean=None, proportion=None, by=None)
    targets_cli.register(commands)  # kept in its own module: it reads programme files, not survey data
    return parser


def _data_options(parser: argparse.ArgumentParser, data: bool = True) -> None:
    """The design and statistic options shared by contrast and change (the same as estimate's)."""
    _sample_options(parser, data)
    what = parser.add_mutually_exclusive_group(required=True)
    what.add_argument("--mean", default=None, metavar="COL", help="numeric column to average")
    what.add_argument("--proportion", default=None, metavar="COL=V1[,V2...]",
                      help="share of rows whose COL is one of the values (numbers when COL is numeric)")
    _subset_options(parser)


def _design_options(parser: argparse.ArgumentParser) -> None:
    """Design options of quantile and crosstab (as estimate's), with the replicate options."""
    _sample_options(parser)
    _subset_options(parser)
    cli_replicates.add_options(parser, _positive_int)


def _sample_options(parser: argparse.ArgumentParser, data: bool = True) -> None:
    if data:
        parser.add_argument("--data", required=True, help="input CSV")
    parser.add_argument("--weight", default=None, help="weight column (default: every row weighs 1)")
    parser.add_argument("--strata", default=None, help="stratum column")
    parser.add_argument("--cluster", default=None, help="first-stage cluster (PSU) column")
    parser.add_argument("--fpc", default=None, help="population PSUs per stratum, or sampling fraction")
    _second_stage_options(parser)


def _subset_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--where", default=None, metavar="EXPR", help="subpopulation (pandas query syntax)")
    parser.add_argument("--rake-margins", default=None, metavar="MARGINS.csv",
                        help="rake the weights to these margins first (calibration-aware variance)")
    _convergence_options(parser)
    parser.add_argument("--level", type=_level, default=0.95, help="confidence level (default 0.95)")


def _second_stage_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--ssu", default=None, help="second-stage unit column (needs --cluster, --fpc, --fpc2)")
    parser.add_argument("--fpc2", default=None, help="population SSUs per PSU, or second-stage sampling fraction")


def _convergence_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--max-iter", type=_positive_int, default=1000,
                        help="raking sweeps allowed (default 1000)")
    parser.add_argument("--tol", type=_positive_float, default=1e-10,
                        help="raking stops when no weight changes by more than this fraction in a sweep "
                             "(default 1e-10)")
    parser.add_argument("--calfun", default="raking", choices=["raking", "linear", "logit"],
                        help="calibration to the margins as R's calibrate(calfun=): raking (default), linear "
                             "(GREG; truncated with --bounds) or logit (needs --bounds)")
    parser.add_argument("--bounds", type=_g_bounds, default=None, metavar="L,U",
                        help="bounds on calibrated / base weight, L < 1 < U (R's bounds=c(L,U))")


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
        if args.command == "targets":
            output = targets_cli.run(args)
        else:
            output = {"rake": _rake, "estimate": _estimate, "contrast": _contrast,
                      "change": _change, "quantile": _quantile, "crosstab": _crosstab}[args.command](args)
    except AnalysisError as exc:
        return _fail(str(exc))
    except OSError as exc:
        return _fail(f"{exc.strerror or exc}: {exc.filename}" if exc.filename else str(exc))
    sys.stdout.write(output)
    return 0


def _fail(message: str) -> int:
    line = " ".join(message.split())
    sys.stderr.write(f"error: {line}\n")
    return EXIT_BAD_INPUT


# ---------------------------------------------------------------------------------------------- commands
def _rake(args: argparse.Namespace) -> str:
    margins = weighting.read_margins(args.margins)
    header = _header(args.data)
    _require(header, [args.weight], args.data, what="weight column")
    _require(header, weighting.margin_columns(margins), args.data, what="margin variable")
    # Everything but the weight is read as text so the output keeps the input's values exactly.
    data = cli_input.read_csv(args.data, text=[c for c in header if c != args.weight], numeric=[args.weight])
    data = data[header]
    lower, upper = args.trim if args.trim else (None, None)
    if args.trim is not None and (args.calfun != "raking" or args.bounds is not None):
        raise UsageError("--trim works with plain raking only; bound the weights with --bounds instead")
    if args.trim is not None:
        raked = weighting.rake(data, args.weight, margins, tol=args.tol, max_iter=args.max_iter,
                               trim=(lower, upper))
    else:
        raked = _calibrated(data, args.weight, margins, args)
    name = args.weight_name or f"{args.weight}_raked"
    data[name] = raked.weights
    data.to_csv(args.out, index=False)
    diag = weighting.diagnostics(raked.weights)
    summary = {
        "out": str(args.out),
        "weight_column": name,
        "calfun": args.calfun,
        "bounds": None if args.bounds is None else list(args.bounds),
        "iterations": raked.iterations,
        "max_margin_error": raked.max_error,
        # Margins whose own totals differ (rounded tables) can only be met up to that difference.
        "margin_totals_disagreement": raked.totals_disagreement,
        "diagnostics": {k: _json_number(v) for k, v in diag.__dict__.items()},
    }
    return json.dumps(summary, indent=2) + "\n"


def _estimate(args: argparse.Namespace) -> str:
    if args.overall and args.by is None:
        raise UsageError("--overall adds the all-rows estimate to a --by estimate; use it with --by COL")
    data, design, variable, values, where = _load(args, args.data)
    hit = cli_input.indicator(data[variable], values, variable) if args.proportion else None
    rows: list[estimate.Estimate] = []
    groupings: list[Any] = [None, args.by] if args.overall else [args.by]
    for by in groupings:
        common: dict[str, Any] = {"by": by, "where": where, "level": args.level}
        if hit is not None:
            result = estimate.proportion(design, hit, [1.0], ci_method=args.ci, **common)
        else:
            result = estimate.mean(design, variable, **common)
        rows += [result] if isinstance(result, estimate.Estimate) else result
    records = [_row(r) for r in rows]
    if args.format == "table":
        return _table(records)
    output: dict[str, Any] = {"rows": records}
    variance = cli_replicates.variance_summary(design)
    if variance is not None:
        output["variance"] = variance
    return json.dumps(output, indent=2) + "\n"


def _quantile(args: argparse.Namespace) -> str:
    args.mean = args.variable  # read and checked as a numeric column, like estimate --mean
    _, design, variable, _, where = _load(args, args.data)
    rows = quantile(design, variable, args.p, by=args.by, where=where, level=args.level, rule=args.rule)
    records = []
    for row in rows:
        record = cli_replicates.as_record(row, _json_number)
        record["by"] = None if row.by is None else str(row.by)
        records.append(record)
    output: dict[str, Any] = {"rows": records}
    variance = cli_replicates.variance_summary(design)
    if variance is not None:
        output["variance"] = variance
    return cli_replicates.dumps(output)


def _crosstab(args: argparse.Namespace) -> str:
    if args.row == args.column:
        raise UsageError("crosstab needs two different columns for --row and --column")
    args.extra_text = [args.row, args.column]
    _, design, _, _, where = _load(args, args.data)
    table = crosstab(design, args.row, args.column, where=where, level=args.level)
    cells = []
    for cell in table.cells:
        record = cli_replicates.as_record(cell, _json_number)
        record["row"], record["column"] = str(cell.row), str(cell.column)
        cells.append(record)
    output: dict[str, Any] = {
        "rows": [str(v) for v in table.rows], "columns": [str(v) for v in table.columns], "n": table.n,
        "df": table.df, "cells": cells, "test": cli_replicates.as_record(table.test, _json_number),
    }
    variance = cli_replicates.variance_summary(design)
    if variance is not None:
        output["variance"] = variance
    return cli_replicates.dumps(output)


def _load(args: argparse.Namespace, path: str) -> tuple[pd.DataFrame, Design, str, list[str], Any]:
    """Read ``path`` with the columns typed as the contract says and build its design from the options."""
    margins = weighting.read_margins(args.rake_margins) if args.rake_margins else None
    header = _header(path)

    values: list[str] = []
    if args.proportion is not None:
        variable, sep, listed = args.proportion.partition("=")
        values = listed.split(",") if sep else []
        if not variable or not sep or not listed:
            raise UsageError("--proportion must look like COL=V1[,V2...]")
    else:
        variable = args.mean

    extra_text: list[str] = getattr(args, "extra_text", [])
    replicate_columns = cli_replicates.replicate_columns(args, header) if hasattr(args, "replicates") else []
    roles = {"--weight": args.weight, "--strata": args.strata, "--cluster": args.cluster, "--fpc": args.fpc,
             "--ssu": args.ssu, "--fpc2": args.fpc2, "--mean": args.mean,
             "--proportion": variable if args.proportion else None, "--by": args.by}
    for option, column in zip(("--row", "--column"), extra_text, strict=False):
        roles[option] = column
    for option, column in roles.items():
        if column is not None and column not in header:
            raise DataError(f"unknown column '{column}' ({option}) in {path}")
    margin_vars = weighting.margin_columns(margins or {})
    _require(header, margin_vars, path, what="margin variable")

    # Grouping and compared columns are text (see cli_input for what command-line values mean there).
    where_columns = sorted(_where_columns(args.where, header))
    numeric = [c for c in (args.weight, args.fpc, args.fpc2, args.mean, *replicate_columns) if c is not None]
    text = [c for c in (args.strata, args.cluster, args.ssu, args.by, *margin_vars, *where_columns, *extra_text)
            if c is not None and (c not in numeric or c not in where_columns)]
    if args.proportion:
        text.append(variable)
    data = cli_input.read_csv(path, text=text, numeric=numeric)
    if args.by is not None:
        data[args.by] = _natural_order(data[args.by])

    weights: Any = args.weight
    if margins is not None:
        base = args.weight if args.weight is not None else np.ones(len(data))
        weights = _calibrated(data, base, margins, args)
    design = Design.from_frame(data, weights=weights, strata=args.strata, cluster=args.cluster, fpc=args.fpc,
                               ssu=args.ssu, fpc2=args.fpc2)
    if hasattr(args, "replicates"):
        design = cli_replicates.apply(args, design, replicate_columns)
    where = None if args.where is None else cli_input.where_mask(data, args.where, where_columns)
    return data, design, variable, values, where


def _calibrated(data: pd.DataFrame, weights: Any, margins: weighting.Margins, args: argparse.Namespace
                ) -> weighting.CalibratedWeights:
    if args.calfun == "raking" and args.bounds is None:
        return weighting.rake(data, weights, margins, tol=args.tol, max_iter=args.max_iter)
    if args.calfun == "logit" and args.bounds is None:
        raise UsageError("--calfun logit needs --bounds L,U (for example --bounds 0.5,2)")
    return weighting.calibrate(data, weights, margins, calfun=args.calfun, bounds=args.bounds, tol=args.tol,
                               max_iter=args.max_iter)


def _statistic(data: pd.DataFrame, args: argparse.Namespace, variable: str, values: list[str]
               ) -> tuple[str, Any, list[Any] | None]:
    """(statistic, column, counted values) for the contrast and change commands."""
    if args.proportion:
        return "proportion", cli_input.indicator(data[variable], values, variable), [1.0]
    return "mean", variable, None


def _contrast(args: argparse.Namespace) -> str:
    if args.by is None:
        raise UsageError("contrast needs --by COL")
    if (args.second is None) == (args.versus is None):
        raise UsageError("contrast needs exactly one of --second VALUE and --versus rest|all")
    data, design, variable, values, where = _load(args, args.data)
    statistic, column, counted = _statistic(data, args, variable, values)
    second = args.second if args.versus is None else Versus(args.versus)
    result = contrast(design, statistic, column, values=counted, by=args.by, first=args.first,
                               second=second, where=where, level=args.level)
    record = {k: _json_number(v) for k, v in dataclasses.asdict(result).items()}
    record["first"], record["second"] = str(result.first), str(result.second)
    return json.dumps(record, indent=2) + "\n"


def _change(args: argparse.Namespace) -> str:
    if args.panel and args.cluster is None:
        raise UsageError("--panel needs --cluster: the PSU codes the years share")
    designs, statistic, column, counted, where = [], "mean", None, None, None
    for path in (args.before, args.after):
        data, design, variable, values, where_mask = _load(args, path)
        statistic, column, counted = _statistic(data, args, variable, values)
        # The counted-values indicator is per file; give each design its own column under one name.
        if statistic == "proportion":
            data = data.assign(**{"__counted": column})
            design = dataclasses.replace(design, data=data)
        if where_mask is not None:
            data = data.assign(**{"__where": where_mask})
            design = dataclasses.replace(design, data=data)
            where = "__where"
        designs.append(design)
    name = "__counted" if statistic == "proportion" else str(column)
    result = change(designs[0], designs[1], statistic, name, values=counted, where=where,
                    panel=args.cluster if args.panel else None, scale=args.scale, level=args.level)
    return json.dumps({k: _json_number(v) for k, v in dataclasses.asdict(result).items()}, indent=2) + "\n"


# ---------------------------------------------------------------------------------------------- helpers
def _row(est: estimate.Estimate) -> dict[str, Any]:
    record = {field: getattr(est, field) for field in ROW_FIELDS}
    record["by"] = None if est.by is None else str(est.by)
    for field in ("estimate", "se", "ci_low", "ci_high", "deff", "n_eff"):
        record[field] = _json_number(record[field])
    return record


def _json_number(value: Any) -> Any:
    if isinstance(value, float | np.floating):
        return float(value) if math.isfinite(value) else None
    return value


def _table(records: list[dict[str, Any]]) -> str:
    def text(value: Any) -> str:
        if value is None:
            return "-"
        if isinstance(value, float):
            return f"{value:.6g}"
        return str(value)

    cells = [[text(r[f]) for f in ROW_FIELDS] for r in records]
    widths = [max(len(f), *(len(c[i]) for c in cells)) for i, f in enumerate(ROW_FIELDS)]
    lines = ["  ".join(f.rjust(w) for f, w in zip(ROW_FIELDS, widths, strict=True))]
    lines += ["  ".join(c.rjust(w) for c, w in zip(row, widths, strict=True)) for row in cells]
    return "\n".join(lines) + "\n"


def _header(path: str) -> list[str]:
    try:
        return list(pd.read_csv(path, nrows=0).columns)
    except FileNotFoundError:
        raise DataError(f"data file not found: {path}") from None
    except pd.errors.EmptyDataError:
        raise DataError(f"data file {path} is empty") from None
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise DataError(f"cannot read {path}: {exc}") from None


def _require(header: list[str], columns: Sequence[str], path: str, what: str = "column") -> None:
    for column in columns:
        if column not in header:
            raise DataError(f"unknown {what} '{column}' in {path}")


def _where_columns(expression: str | None, header: list[str]) -> set[str]:
    """Columns an expression may refer to, so that only those are read from a large file."""
    if expression is None:
        return set()
    names = set(re.findall(r"`([^`]+)`", expression)) | set(re.findall(r"[A-Za-z_]\w*", expression))
    return names & set(header)


def _natural_order(series: pd.Series) -> pd.Series:
    """Domains sort numerically when every value is a number ("2" before "10"), else as text."""
    categories = series.cat.categories
    numbers = pd.to_numeric(pd.Series(categories), errors="coerce")
    if len(categories) and not numbers.isna().any():
        ordered = [categories[i] for i in np.argsort(numbers.to_numpy(), kind="stable")]
    else:
        ordered = sorted(categories)
    return series.cat.reorder_categories(ordered)


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not (value > 0 and math.isfinite(value)):
        raise argparse.ArgumentTypeError(f"must be a positive number, got {text}")
    return value


def _level(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not 0 < value < 1:
        raise argparse.ArgumentTypeError(f"must be between 0 and 1, got {text}")
    return value


def _probabilities(text: str) -> list[float]:
    try:
        values = [float(v) for v in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected probabilities separated by commas, got {text!r}") from None
    if not all(0 <= v <= 1 for v in values):
        raise argparse.ArgumentTypeError(f"probabilities must lie in [0, 1], got {text}")
    return values


def _g_bounds(text: str) -> tuple[float, float]:
    parts = text.split(",")
    try:
        low, high = (float(p) for p in parts)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected L,U (two numbers, -inf/inf allowed), got {text!r}") from None
    if not low < 1.0 < high:
        raise argparse.ArgumentTypeError(f"need L < 1 < U (they bound calibrated / base weight), got {text}")
    return low, high


def _bounds(text: str) -> tuple[float, float]:
    parts = text.split(",")
    try:
        low, high = (float(p) for p in parts)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected LOW,HIGH (two numbers), got {text!r}") from None
    if not (0 <= low < high):
        raise argparse.ArgumentTypeError(f"need 0 <= LOW < HIGH, got {text}")
    return low, high

