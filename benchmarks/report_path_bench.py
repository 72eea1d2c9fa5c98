"""Benchmark of the complete yearly path (not a test): from 1,000,000 stored responses on PostgreSQL to the
yearly report — `flask indicators compute`, then `flask reports build` as PDF and XLSX — within 3 minutes.

    .venv/bin/python benchmarks/report_path_bench.py [--responses 1000000] [--repeat 2] [--keep]

The database is prepared by benchmarks/indicators_bench.py's own preparation (a database of its own,
``surveyapp_bench``, dropped and recreated; SYNTHETIC responses multiplied in SQL), timed separately. Each
step runs as a fresh process, as an operator would run it; the report is built from the run just computed
(``--draft``: results are not published in a benchmark).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import indicators_bench as bench  # the sibling benchmark: its preparation and timing
import own_database

ROOT = Path(__file__).resolve().parent.parent


def step(url: str, *args: str) -> tuple[float, float, str]:
    """(wall seconds, peak RSS GB, output) of one `flask` command in a fresh process."""
    env = dict(os.environ, DATABASE_URL=url)
    flask = str(Path(sys.executable).with_name("flask"))
    with tempfile.TemporaryFile("w+", encoding="utf-8") as out:
        started = time.perf_counter()
        process = subprocess.Popen(
            [flask, "--app", "surveyapp", *args], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT
        )
        _pid, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
        out.seek(0)
        output = out.read()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"flask {' '.join(args)} failed:\n{output}")
    return wall, usage.ru_maxrss / 1024 / 1024, output


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--responses", type=int, default=1_000_000)
    parser.add_argument("--distinct", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--database", default="surveyapp_bench")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{args.database}"
    own_database.recreate(args.database)
    try:
        with tempfile.TemporaryDirectory() as folder:
            started = time.perf_counter()
            bench.prepare(url, args.responses, args.responses // 25, args.distinct, Path(folder))
            print(f"Preparation {time.perf_counter() - started:.1f} s (not part of the target)")
            out = Path(folder) / "reports"
            totals = []
            for run in range(1, args.repeat + 1):
                compute, compute_gb, _ = step(
                    url, "indicators", "compute", "--programme", bench.PROGRAMME, "--year", str(bench.YEAR)
                )
                timings = {"compute": compute}
                peak = compute_gb
                for fmt in ("pdf", "xlsx"):
                    wall, gb, _ = step(
                        url,
                        "reports",
                        "build",
                        "--programme",
                        bench.PROGRAMME,
                        "--year",
                        str(bench.YEAR),
                        "--lang",
                        "kk",
                        "--format",
                        fmt,
                        "--draft",
                        "--out",
                        str(out / f"run{run}.{fmt}"),
                    )
                    timings[fmt] = wall
                    peak = max(peak, gb)
                total = sum(timings.values())
                totals.append(total)
                print(
                    f"  run {run}: compute {timings['compute']:.1f} s + PDF {timings['pdf']:.1f} s + XLSX "
                    f"{timings['xlsx']:.1f} s = {total:.1f} s, peak RSS {peak:.2f} GB"
                )
            median = statistics.median(totals)
            verdict = "met" if max(totals) <= 180 else "NOT met"
            print(
                f"\ncomplete path (compute + PDF + XLSX), {args.responses:,} responses: median {median:.1f} s, "
                f"min {min(totals):.1f} s, max {max(totals):.1f} s — target 180 s {verdict}"
            )
    finally:
        if not args.keep:
            own_database.drop(args.database)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
