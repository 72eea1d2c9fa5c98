"""Benchmark of `flask responses export` at scale. Not part of the test suite.

    .venv/bin/python benchmarks/export_bench.py [--responses 100000] [--formats csv,parquet,sav,dta]
                                                [--repeat 1] [--keep] [--reuse]

The job: every submitted public-safety response of 2025 (100,000 by default; ``--responses 1000000`` for
national scale) exported with the final weights of a computation run, in Kazakh labels, each format a whole
``flask --app surveyapp responses export`` process: wall time and peak resident memory (from wait4), median
over ``--repeat`` runs. Issue targets at 1M: CSV within 60 s, .sav/.dta/Parquet within 180 s, peak RSS
under 1.5 GB.

Preparation (timed separately, not part of the target) is the indicator benchmark's: a database of its own
(``surveyapp_export_bench`` on 127.0.0.1:5432, recreated at every start), the published questionnaires, the
demo's SYNTHETIC margins, distinct synthetic responses from the demo generator multiplied in SQL up to the
requested count; then one `flask indicators compute` so the exports carry a run's weights. The database is
dropped at the end unless ``--keep`` is given.
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

import indicators_bench
import own_database

ROOT = indicators_bench.ROOT
TARGETS = {"csv": 60.0, "parquet": 180.0, "sav": 180.0, "dta": 180.0, "xlsx": 180.0}
TARGET_MEMORY_GB = 1.5


def timed_export(url: str, file_format: str, out: Path) -> tuple[float, float, float, int, str]:
    """One export in a fresh process: (wall seconds, CPU seconds, peak RSS in GB, exit code, output). The CPU
    time says more than the wall time on a machine shared with other work."""
    env = dict(os.environ, DATABASE_URL=url)
    flask = str(Path(sys.executable).with_name("flask"))
    command = [
        flask, "--app", "surveyapp", "responses", "export", "--instrument", "public_safety",
        "--year", str(indicators_bench.YEAR), "--format", file_format, "--lang", "kk", "--out", str(out),
    ]  # fmt: skip
    out.unlink(missing_ok=True)
    with tempfile.TemporaryFile("w+", encoding="utf-8") as log:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        _pid, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
        log.seek(0)
        cpu = usage.ru_utime + usage.ru_stime
        return wall, cpu, usage.ru_maxrss / 1024 / 1024, os.waitstatus_to_exitcode(status), log.read()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--responses", type=int, default=100_000, help="public-safety responses in 2025")
    parser.add_argument("--distinct", type=int, default=20_000, help="distinct synthetic adults before copying")
    parser.add_argument("--formats", default="csv,parquet,sav,dta")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--database", default="surveyapp_export_bench")
    parser.add_argument("--keep", action="store_true", help="keep the bench database afterwards")
    parser.add_argument("--reuse", action="store_true", help="skip the preparation (a database kept with --keep)")
    args = parser.parse_args()
    url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{args.database}"
    formats = [f.strip() for f in args.formats.split(",") if f.strip()]
    print(f"Export benchmark: {args.responses:,} public_safety responses of 2025, database {args.database}")
    try:
        if not args.reuse:
            indicators_bench.report_preparation(
                url, args.database, args.responses, round(args.responses * 0.04), min(args.distinct, args.responses)
            )
            wall, memory, code, output = indicators_bench.timed_run(url)
            if code != 0:
                print(output)
                return 1
            print(f"Computation run (stores the final weights): {wall:.1f} s, peak RSS {memory:.2f} GB")
        print(f"{'format':>8} {'runs':>4} {'median s':>9} {'max s':>7} {'CPU s':>6} {'peak GB':>8} {'MB':>7}  target")
        failed = False
        with tempfile.TemporaryDirectory() as folder:
            for file_format in formats:
                out = Path(folder) / f"export.{file_format}"
                walls, cpus, memories = [], [], []
                for _ in range(args.repeat):
                    wall, cpu, memory, code, output = timed_export(url, file_format, out)
                    if code != 0:
                        print(output)
                        return 1
                    walls.append(wall)
                    cpus.append(cpu)
                    memories.append(memory)
                size = out.stat().st_size / 1e6
                met = max(walls) <= TARGETS[file_format] and max(memories) <= TARGET_MEMORY_GB
                failed |= not met
                print(
                    f"{file_format:>8} {len(walls):>4} {statistics.median(walls):9.1f} {max(walls):7.1f} "
                    f"{statistics.median(cpus):6.1f} "
                    f"{max(memories):8.2f} {size:7.1f}  {TARGETS[file_format]:.0f} s / {TARGET_MEMORY_GB} GB "
                    f"{'met' if met else 'NOT met'}"
                )
                print(f"         {output.strip().splitlines()[-1][:160]}")
        return 1 if failed else 0
    finally:
        if args.keep:
            print(f"Kept database {args.database} ({url})")
        else:
            own_database.drop(args.database)


if __name__ == "__main__":
    sys.exit(main())
