"""``python -m analysis targets [--programme CODE] --format json|table``: the targets of the programme files.

The JSON shape is a contract for other tools (dashboards, R scripts)::

    {"indicators": [{"programme": ..., "code": ..., "name": {"kk": ..., "ru": ..., "en": ...}, "unit": ...,
                     "source": "survey" | "administrative",
                     "targets": {"<year>": {"value": ..., "kind": ..., "base_year": ... | null}}}]}

``value`` is the number as printed (59.0 for "59 %", -3.0 for "reduce by 3 %"). The contract knows two
sources; external ratings (Global Peace Index, WJP, WHO: A15–A17) are reported as "administrative" because
they behave like administrative figures: no sampling error, imported as published, compared directly.
The programme file keeps the finer ``external_rating``.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from analysis.errors import AnalysisError

if TYPE_CHECKING:  # the programme reader (YAML, dates) is imported only by this command, not by every CLI start
    from analysis.programme import Indicator, Programme, Source


def _contract_source(source: Source) -> str:
    from analysis.programme import Source

    names = {Source.SURVEY: "survey", Source.ADMINISTRATIVE: "administrative", Source.EXTERNAL_RATING: "administrative"}
    return names[source]


def register(commands: Any) -> argparse.ArgumentParser:
    """Add the ``targets`` command to an argparse sub-parser collection; returns the new parser."""
    parser = commands.add_parser("targets", help="programme indicators and their yearly targets as printed")
    parser.add_argument("--programme", default=None, metavar="CODE",
                        help="one programme (file name in analysis/programmes without .yaml); default: all")
    parser.add_argument("--format", default="json", choices=["json", "table"], help="output format")
    return parser


def run(args: argparse.Namespace) -> str:
    from analysis.programme import load_programme, load_programmes

    programmes = (load_programme(args.programme),) if args.programme else load_programmes()
    if args.format == "table":
        return render_table(programmes)
    return json.dumps(contract(programmes), ensure_ascii=False, indent=2) + "\n"


def contract(programmes: Sequence[Programme]) -> dict[str, Any]:
    return {"indicators": [_record(ind) for programme in programmes for ind in programme.indicators]}


def _record(indicator: Indicator) -> dict[str, Any]:
    return {
        "programme": indicator.programme,
        "code": indicator.code,
        "name": indicator.name.as_dict(),
        "unit": indicator.unit.value,
        "source": _contract_source(indicator.source),
        "targets": {
            str(t.year): {"value": t.value, "kind": t.kind.value, "base_year": t.base_year}
            for t in indicator.targets
        },
    }


def render_table(programmes: Sequence[Programme]) -> str:
    """One block per programme: a row per indicator, a column per year, cells in the document's terms."""
    blocks = []
    for programme in programmes:
        years = list(range(programme.period[0], programme.period[1] + 1))
        header = ["code", "unit", "source", *map(str, years), "name (en)"]
        rows = [[ind.code, ind.unit.value, _contract_source(ind.source),
                 *(_cell(ind, y) for y in years), ind.name.en] for ind in programme.indicators]
        widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header) - 1)]
        lines = [f"{programme.code}: {programme.name.en}"]
        for row in [header, *rows]:
            lines.append("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=False)) + "  " + row[-1])
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"


def _cell(indicator: Indicator, year: int) -> str:
    from analysis.programme import Kind, Reading

    target = next((t for t in indicator.targets if t.year == year), None)
    if target is None:
        return "-"
    value = f"{target.value:g}"
    signed = f"{target.value:+g}"
    points = "pp" if target.reading is Reading.POINTS else "%"
    return {
        Kind.LEVEL: value,
        Kind.AT_LEAST: f">={value}",
        Kind.ABOVE: f">{value}",
        Kind.AT_MOST: f"<={value}",
        Kind.RANK: f"rank<={value}",
        Kind.CHANGE_VS_BASE: f"{signed}{points} vs {target.base_year}",
        Kind.CHANGE_VS_PREVIOUS: f"{signed}{points}/yr",
        Kind.ABSOLUTE_CHANGE_VS_BASE: f"{signed}" + (f" vs {target.base_year}" if target.base_year else ""),
    }[target.kind]


def main(argv: Sequence[str] | None = None) -> int:
    """Stand-alone entry (``python -m analysis.targets_cli``); ``python -m analysis targets`` is the contract."""
    parser = argparse.ArgumentParser(prog="python -m analysis targets")
    commands = parser.add_subparsers(dest="command", required=True)
    register(commands)
    args = parser.parse_args(["targets", *(argv if argv is not None else sys.argv[1:])])
    try:
        sys.stdout.write(run(args))
    except AnalysisError as exc:
        sys.stderr.write(f"error: {' '.join(str(exc).split())}\n")
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
