"""Benchmark of the indicator computation at national scale (1M adults). Not part of the test suite.

    .venv/bin/python benchmarks/indicators_bench.py [--responses 1000000] [--police 40000] [--repeat 3] [--keep]

The job: every indicator of the public-safety programme (public_safety_2024_2028) for 2025, nationally and by
region, sex, age group and settlement, from 1,000,000 submitted public-safety responses (plus 40,000 police
staff responses) stored in PostgreSQL. Target: within 60 s including the load from the database, peak memory
under 4 GB.

Preparation (timed separately, not part of the target): a database of its own (``surveyapp_bench`` on
127.0.0.1:5432, dropped and recreated at every start), the tables, the published questionnaires, the demo's
SYNTHETIC margins and administrative statistics, about 50,000 distinct synthetic responses from the demo
generator, multiplied in SQL (INSERT ... SELECT over generate_series) up to the requested count; each copy
gets its own PSU (``<psu>_c<copy>``), so the design keeps many more PSUs than the distinct sample has.

Measured: ``flask --app surveyapp indicators compute --programme public_safety_2024_2028 --year 2025``, each
run a fresh process (start-up, loading the responses from the database, raking, every estimate, storing the
results); wall time and the process's peak resident memory (from wait4). The bench database is dropped at the
end unless ``--keep`` is given.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import own_database
import psycopg

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PROGRAMME = "public_safety_2024_2028"
YEAR = 2025
SEED = 2026
BATCH = 5000
TARGET_SECONDS = 60.0
TARGET_MEMORY_GB = 4.0
# (instrument, version, population) answered in the benchmark year; the staff survey kept its 2024 questionnaire.
SURVEYS = (("public_safety", "2025", "adults"), ("police_staff", "2024", "police_employees"))
COLUMNS = (
    "version_id, version_sha256, language, status, mode, answers, page_languages, design, paradata, "
    "quality_flags, started_at, updated_at, submitted_at, current_section"
)


def _distinct(instrument: str, version: str, population: str, target: int) -> tuple[int, int]:
    """Insert about `target` distinct synthetic responses; returns (version row id, how many)."""
    from surveyapp.demo.load import insert_synthetic
    from surveyapp.services.versions import published

    row = published(instrument, version)
    assert row is not None, f"{instrument} {version} is not published"
    # The police sample is drawn in proportion to the staff population: ask the generator for enough.
    return row.id, insert_synthetic(row, population, target, SEED, YEAR, BATCH)


def _multiply(version_id: int, distinct: int, wanted: int) -> int:
    """Copies of the version's distinct responses, each copy with its own PSUs, until `wanted` rows exist."""
    from sqlalchemy import text

    from surveyapp.extensions import db

    if wanted <= distinct:
        return distinct
    copy = (
        f"INSERT INTO response ({COLUMNS}) "  # noqa: S608 - a fixed column list; the values are bound
        "SELECT version_id, version_sha256, language, status, mode, answers, page_languages, "
        "jsonb_set(design::jsonb, '{psu}', to_jsonb((design->>'psu') || '_c' || g))::json, "
        "paradata, quality_flags, started_at, updated_at, submitted_at, current_section "
        "FROM response CROSS JOIN generate_series(CAST(:first AS integer), CAST(:last AS integer)) AS g "
        "WHERE version_id = :version AND id <= :max_id"
    )
    max_id = db.session.scalar(text("SELECT max(id) FROM response WHERE version_id = :v"), {"v": version_id})
    full, rest = divmod(wanted - distinct, distinct)
    if full:
        db.session.execute(text(copy), {"first": 1, "last": full, "version": version_id, "max_id": max_id})
    if rest:
        db.session.execute(
            text(copy + " ORDER BY id LIMIT :rest"),
            {"first": full + 1, "last": full + 1, "version": version_id, "max_id": max_id, "rest": rest},
        )
    db.session.commit()
    return wanted


def prepare(url: str, adults: int, police: int, distinct: int, folder: Path) -> dict[str, Any]:
    """Everything the computation needs in the bench database; returns counts and timings."""
    os.environ["DATABASE_URL"] = url
    from sqlalchemy import func, select

    from surveyapp.demo import statistics as demo_statistics
    from surveyapp.demo.load import load_margins, publish_all
    from surveyapp.extensions import db
    from surveyapp.factory import build_app
    from surveyapp.models import SurveyResponse
    from surveyapp.services.admin_figures import import_figures

    app = build_app()
    info: dict[str, Any] = {}
    with app.app_context():
        started = time.perf_counter()
        db.create_all()
        root = Path(app.config["QUESTIONNAIRES_DIR"])
        publish_all(root)
        load_margins(folder, root)
        import_figures(demo_statistics.write(folder / "administrative_SYNTHETIC.csv"), root, synthetic=True)
        db.session.commit()
        info["setup"] = time.perf_counter() - started
        started = time.perf_counter()
        distinct_counts = {}
        versions = {}
        for instrument, version, population in SURVEYS:
            wanted = adults if population == "adults" else police
            share = distinct if population == "adults" else max(1, round(distinct * police / max(adults, 1)))
            versions[instrument], distinct_counts[instrument] = _distinct(
                instrument, version, population, min(wanted, share)
            )
        info["generate"] = time.perf_counter() - started
        info["distinct"] = distinct_counts
        started = time.perf_counter()
        for instrument, _version, population in SURVEYS:
            wanted = adults if population == "adults" else police
            _multiply(versions[instrument], distinct_counts[instrument], wanted)
        info["multiply"] = time.perf_counter() - started
        counts = db.session.execute(
            select(
                SurveyResponse.version_id,
                func.count(),
                func.count(func.distinct(SurveyResponse.design["psu"].as_string())),
            ).group_by(SurveyResponse.version_id)
        ).all()
        by_id = {v: k for k, v in versions.items()}
        info["stored"] = {by_id[v]: (n, psus) for v, n, psus in counts}
        db.session.remove()
        db.engine.dispose()
    started = time.perf_counter()
    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True) as conn:
        conn.execute("VACUUM (ANALYZE) response")
        info["size"] = conn.execute("SELECT pg_size_pretty(pg_total_relation_size('response'))").fetchone()[0]
    info["vacuum"] = time.perf_counter() - started
    return info


def timed_run(url: str) -> tuple[float, float, int, str]:
    """One `flask indicators compute` in a fresh process: (wall seconds, peak RSS in GB, exit code, output)."""
    env = dict(os.environ, DATABASE_URL=url)
    flask = str(Path(sys.executable).with_name("flask"))
    command = [flask, "--app", "surveyapp", "indicators", "compute", "--programme", PROGRAMME, "--year", str(YEAR)]
    with tempfile.TemporaryFile("w+", encoding="utf-8") as out:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        _pid, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        output = out.read()
    return wall, usage.ru_maxrss / 1024 / 1024, process.returncode, output


def results_count(url: str) -> tuple[int, int, int]:
    """(latest run id, its results, its breakdown results)."""
    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as conn:
        run_id, total, breakdown = conn.execute(
            "SELECT r.id, count(x.id), count(x.id) FILTER (WHERE x.breakdown <> '') FROM computation_run r "
            "JOIN indicator_result x ON x.run_id = r.id GROUP BY r.id ORDER BY r.id DESC LIMIT 1"
        ).fetchone()
    return run_id, total, breakdown


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--responses", type=int, default=1_000_000, help="public-safety responses (adults)")
    parser.add_argument("--police", type=int, default=None, help="police staff responses (default: 4 %% of adults)")
    parser.add_argument("--distinct", type=int, default=50_000, help="distinct synthetic adults before copying")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--database", default="surveyapp_bench")
    parser.add_argument("--keep", action="store_true", help="keep the bench database afterwards")
    parser.add_argument(
        "--reuse", action="store_true", help="skip the preparation: time the runs on a database kept with --keep"
    )
    args = parser.parse_args()
    police = args.police if args.police is not None else round(args.responses * 0.04)
    url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{args.database}"

    print(f"Indicator benchmark {datetime.now(UTC):%Y-%m-%d %H:%M} UTC: {PROGRAMME} {YEAR}, database {args.database}")
    if args.reuse:
        print("Preparation skipped (--reuse): timing on the kept database")
    else:
        report_preparation(url, args.database, args.responses, police, args.distinct)
    return timed_runs(url, args)


def report_preparation(url: str, database: str, adults: int, police: int, distinct: int) -> None:
    started = time.perf_counter()
    own_database.recreate(database)
    with tempfile.TemporaryDirectory() as folder:
        info = prepare(url, adults, police, distinct, Path(folder))
    preparation = time.perf_counter() - started
    for instrument, (n, psus) in info["stored"].items():
        distinct = info["distinct"][instrument]
        print(f"  stored {instrument}: {n:,} submitted responses, {psus:,} PSUs ({distinct:,} distinct)")
    print(
        f"Preparation {preparation:.1f} s (not part of the target): tables, questionnaires, margins, statistics "
        f"{info['setup']:.1f} s; generating {info['generate']:.1f} s; copying in SQL {info['multiply']:.1f} s; "
        f"VACUUM ANALYZE {info['vacuum']:.1f} s; response table {info['size']}"
    )


def timed_runs(url: str, args: argparse.Namespace) -> int:
    walls, memories, output = [], [], ""
    try:
        for i in range(args.repeat):
            wall, memory, code, output = timed_run(url)
            if code != 0:
                print(output)
                print(f"run {i + 1} failed with exit code {code}")
                return 1
            run_id, total, breakdown = results_count(url)
            walls.append(wall)
            memories.append(memory)
            print(f"  run {i + 1}: {wall:6.1f} s, peak RSS {memory:.2f} GB, run {run_id}: {total} results")
        print()
        header = ("runs", "median s", "min s", "max s", "peak GB", "results", "by breakdown")
        print(" ".join(f"{h:>{w}}" for h, w in zip(header, (4, 9, 7, 7, 8, 8, 13), strict=True)))
        print(
            f"{len(walls):>4} {statistics.median(walls):9.1f} {min(walls):7.1f} {max(walls):7.1f} "
            f"{max(memories):8.2f} {total:>8} {breakdown:>13}"
        )
        met = max(walls) <= TARGET_SECONDS and max(memories) < TARGET_MEMORY_GB
        print(
            f"target {TARGET_SECONDS:.0f} s and {TARGET_MEMORY_GB:.0f} GB: {'met by every run' if met else 'NOT met'} "
            f"(max {max(walls):.1f} s)"
        )
        print()
        print("Output of the last run:")
        print(output.rstrip())
    finally:
        if args.keep:
            print(f"Kept database {args.database} ({url})")
        else:
            own_database.drop(args.database)
    return 0


if __name__ == "__main__":
    sys.exit(main())
