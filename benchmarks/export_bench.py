"""Benchmark of `flask responses export` at scale, and whether its memory stays flat. Not part of the tests.

    .venv/bin/python benchmarks/export_bench.py [--sizes 100000,1000000] [--formats csv,parquet]
        [--small-formats sav,dta,xlsx] [--repeat 1] [--no-run] [--database-url postgresql://...]

The job: every submitted public-safety response of 2025 exported with the final weights of a computation run,
in Kazakh labels, each format a whole ``flask --app surveyapp responses export`` process (the command the
researchers run; the web's export job calls the same service): wall time, CPU time and peak resident memory
(``ru_maxrss`` of that child, from wait4), median over ``--repeat`` runs.

Sizes grow in one database: ``--sizes`` (default 100,000 then 1,000,000) are exported in turn, the streaming
formats (``--formats``, CSV and Parquet) at every size, the formats readstat and openpyxl write from one whole
table (``--small-formats``: .sav, .dta, XLSX) only at the smallest size. The peak memory of the streaming
formats at the largest size against the smallest says whether the export streams: flat means within 25 %.

The database: a temporary SQLite file by default; with ``--database-url`` a PostgreSQL database, which is
dropped and created again at the start and dropped at the end (never ``test`` or ``postgres``). Preparation
(timed separately, not part of the measure): the tables, the published questionnaires, the demo's SYNTHETIC
margins and statistics, ``--distinct`` synthetic responses from the demo generator, copied in SQL (each copy
with its own PSUs) up to each size, then one ``flask indicators compute`` per size so the exports carry that
run's final weights (``--no-run`` exports without weights). Issue targets at 1M on PostgreSQL: CSV within 60 s,
.sav/.dta/Parquet within 180 s, peak RSS under 1.5 GB.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import indicators_bench
import own_database

ROOT = indicators_bench.ROOT
YEAR = indicators_bench.YEAR
TARGETS = {"csv": 60.0, "parquet": 180.0, "sav": 180.0, "dta": 180.0, "xlsx": 180.0}
TARGET_MEMORY_GB = 1.5
FLAT = 1.25  # peak memory at the largest size within 25 % of the smallest size's: the export streams
POLICE_SHARE = 0.04  # police staff responses per adult response, for the computation run


@dataclass
class Measure:
    size: int
    file_format: str
    walls: list[float]
    cpus: list[float]
    peaks_mb: list[float]
    file_mb: float
    rows_line: str


def child(command: list[str], url: str) -> tuple[float, float, float, int, str]:
    """One fresh process: (wall s, CPU s, peak RSS MB, exit code, output). CPU time says more than wall time
    on a machine shared with other work."""
    env = dict(os.environ, DATABASE_URL=url)
    with tempfile.TemporaryFile("w+", encoding="utf-8") as log:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        _pid, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
        log.seek(0)
        cpu = usage.ru_utime + usage.ru_stime
        return wall, cpu, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status), log.read()


def flask(*arguments: str) -> list[str]:
    return [str(Path(sys.executable).with_name("flask")), "--app", "surveyapp", *arguments]


def export_command(file_format: str, out: Path) -> list[str]:
    return flask(
        "responses", "export", "--instrument", "public_safety", "--year", str(YEAR), "--format", file_format,
        "--lang", "kk", "--out", str(out),
    )  # fmt: skip


class Store:
    """The bench database, set up in this process (an app context) and grown size by size."""

    def __init__(self, url: str, distinct: int, folder: Path) -> None:
        os.environ["DATABASE_URL"] = url
        from surveyapp.demo import statistics as demo_statistics
        from surveyapp.demo.load import load_margins, publish_all
        from surveyapp.extensions import db
        from surveyapp.factory import build_app
        from surveyapp.services.admin_figures import import_figures

        self.db = db
        self.app = build_app()
        self.versions: dict[str, tuple[int, int, int]] = {}  # instrument -> (version id, distinct, max id)
        self.copies: dict[str, int] = {}  # instrument -> copy numbers used so far
        with self.app.app_context():
            db.create_all()
            root = Path(self.app.config["QUESTIONNAIRES_DIR"])
            publish_all(root)
            load_margins(folder, root)
            import_figures(demo_statistics.write(folder / "administrative_SYNTHETIC.csv"), root, synthetic=True)
            db.session.commit()
            for instrument, version, population in indicators_bench.SURVEYS:
                share = distinct if population == "adults" else max(1, round(distinct * POLICE_SHARE))
                version_id, made = indicators_bench._distinct(instrument, version, population, share)
                max_id = self._scalar("SELECT max(id) FROM response WHERE version_id = :v", v=version_id)
                self.versions[instrument] = (version_id, made, int(max_id))
                self.copies[instrument] = 0
            self.dialect = db.engine.dialect.name

    def _scalar(self, sql: str, **values: Any) -> Any:
        from sqlalchemy import text

        return self.db.session.scalar(text(sql), values)

    def count(self, instrument: str) -> int:
        version_id = self.versions[instrument][0]
        return int(self._scalar("SELECT count(*) FROM response WHERE version_id = :v", v=version_id))

    def grow(self, adults: int) -> dict[str, int]:
        """Copy the distinct responses until public safety has `adults` rows (police staff 4 % of that)."""
        wanted = {"public_safety": adults, "police_staff": max(1, round(adults * POLICE_SHARE))}
        with self.app.app_context():
            for instrument, rows in wanted.items():
                missing = rows - self.count(instrument)
                if missing > 0:
                    self._copy(instrument, missing)
            self.db.session.commit()
            if self.dialect == "sqlite":
                from sqlalchemy import text

                self.db.session.execute(text("ANALYZE"))
                self.db.session.commit()
            return {instrument: self.count(instrument) for instrument in wanted}

    def _copy(self, instrument: str, missing: int) -> None:
        from sqlalchemy import text

        version_id, distinct, max_id = self.versions[instrument]
        full, rest = divmod(missing, distinct)
        first = self.copies[instrument] + 1
        if self.dialect == "postgresql":
            copies = "generate_series(CAST(:first AS integer), CAST(:last AS integer)) AS g(n)"
            psu = "jsonb_set(design::jsonb, '{psu}', to_jsonb((design->>'psu') || '_c' || g.n))::json"
            prefix = ""
        else:  # SQLite: a recursive CTE numbers the copies, json_set gives each its own PSU
            copies = "g"
            psu = "json_set(design, '$.psu', json_extract(design, '$.psu') || '_c' || g.n)"
            prefix = "WITH RECURSIVE g(n) AS (SELECT :first UNION ALL SELECT n + 1 FROM g WHERE n < :last) "
        sql = (
            f"{prefix}INSERT INTO response ({indicators_bench.COLUMNS}) "  # noqa: S608 - fixed SQL, bound values
            "SELECT version_id, version_sha256, language, status, mode, answers, page_languages, "
            f"{psu}, paradata, quality_flags, started_at, updated_at, submitted_at, current_section "
            f"FROM response CROSS JOIN {copies} WHERE version_id = :version AND id <= :max_id"
        )
        values = {"version": version_id, "max_id": max_id}
        if full:
            self.db.session.execute(text(sql), {**values, "first": first, "last": first + full - 1})
        if rest:
            last = first + full
            self.db.session.execute(
                text(sql + " ORDER BY response.id LIMIT :rest"), {**values, "first": last, "last": last, "rest": rest}
            )
        self.copies[instrument] = first + full - (0 if rest else 1)

    def close(self) -> None:
        with self.app.app_context():
            self.db.session.remove()
            self.db.engine.dispose()


def measure(url: str, size: int, file_format: str, repeat: int, folder: Path) -> Measure:
    out = folder / f"export_{size}.{file_format}"
    walls, cpus, peaks = [], [], []
    output = ""
    for _ in range(repeat):
        out.unlink(missing_ok=True)
        wall, cpu, peak, code, output = child(export_command(file_format, out), url)
        if code != 0:
            raise SystemExit(f"export {file_format} at {size:,} failed (exit {code}):\n{output}")
        walls.append(wall)
        cpus.append(cpu)
        peaks.append(peak)
    file_mb = out.stat().st_size / 1e6
    for path in folder.glob(f"export_{size}.*"):
        path.unlink()
    return Measure(size, file_format, walls, cpus, peaks, file_mb, output.strip().splitlines()[-1][:150])


def database(args: argparse.Namespace, folder: Path) -> tuple[str, str | None]:
    """(SQLAlchemy URL, PostgreSQL database to drop at the end or None)."""
    if args.database_url is None:
        return f"sqlite:///{folder / 'export_bench.sqlite3'}", None
    parts = urlsplit(args.database_url)
    name = parts.path.lstrip("/")
    if not parts.scheme.startswith("postgresql") or not name:
        raise SystemExit("--database-url must name a PostgreSQL database: postgresql://user@host:port/NAME")
    own_database.recreate(name)  # refuses test, postgres and the templates
    return f"postgresql+psycopg://{parts.netloc}/{name}", name


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="100000,1000000", help="public-safety responses, exported in turn")
    parser.add_argument("--formats", default="csv,parquet", help="exported at every size")
    parser.add_argument("--small-formats", default="sav,dta,xlsx", help="exported at the smallest size only")
    parser.add_argument("--distinct", type=int, default=20_000, help="distinct synthetic adults before copying")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--no-run", action="store_true", help="no computation run: exports without weights")
    parser.add_argument("--database-url", default=None, help="PostgreSQL instead of a temporary SQLite file")
    args = parser.parse_args()
    sizes = sorted(int(s) for s in args.sizes.split(",") if s.strip())
    formats = [f.strip() for f in args.formats.split(",") if f.strip()]
    small_formats = [f.strip() for f in args.small_formats.split(",") if f.strip()]
    measures: list[Measure] = []
    with tempfile.TemporaryDirectory(prefix="export-bench-") as tmp:
        folder = Path(tmp)
        url, drop = database(args, folder)
        try:
            started = time.perf_counter()
            store = Store(url, min(args.distinct, sizes[0]), folder)
            print(f"Export benchmark: public_safety {YEAR}, {store.dialect}, sizes {', '.join(f'{s:,}' for s in sizes)}"
                  f"; set up with {store.versions['public_safety'][1]:,} distinct responses in "
                  f"{time.perf_counter() - started:.1f} s")
            baseline = child(flask("--help"), url)[2]
            print(f"peak RSS of a bare `flask --app surveyapp --help`: {baseline:.0f} MB")
            for size in sizes:
                started = time.perf_counter()
                counts = store.grow(size)
                print(f"\n{size:,}: stored {counts} in {time.perf_counter() - started:.1f} s")
                if not args.no_run:
                    wall, _cpu, peak, code, output = child(
                        flask("indicators", "compute", "--programme", indicators_bench.PROGRAMME, "--year", str(YEAR)),
                        url,
                    )
                    if code != 0:
                        print(output)
                        return 1
                    print(f"  computation run (stores the final weights): {wall:.1f} s, peak RSS {peak:.0f} MB")
                for file_format in formats + (small_formats if size == sizes[0] else []):
                    result = measure(url, size, file_format, args.repeat, folder)
                    measures.append(result)
                    print(f"  {file_format:>8}: {statistics.median(result.walls):7.1f} s wall, "
                          f"{statistics.median(result.cpus):6.1f} s CPU, peak {max(result.peaks_mb):6.0f} MB, "
                          f"{result.file_mb:7.1f} MB file  | {result.rows_line}")
            store.close()
        finally:
            if drop is not None:
                own_database.drop(drop)
    report(measures, sizes, formats)
    return 0


def report(measures: list[Measure], sizes: list[int], formats: list[str]) -> None:
    print(f"\n{'rows':>10} {'format':>7} {'runs':>4} {'median s':>9} {'CPU s':>7} {'peak MB':>8} {'file MB':>8}"
          f"  issue target at 1M")
    for m in measures:
        print(f"{m.size:>10,} {m.file_format:>7} {len(m.walls):>4} {statistics.median(m.walls):9.1f} "
              f"{statistics.median(m.cpus):7.1f} {max(m.peaks_mb):8.0f} {m.file_mb:8.1f}  "
              f"{TARGETS[m.file_format]:.0f} s, {TARGET_MEMORY_GB} GB")
    if len(sizes) < 2:
        return
    print()
    for file_format in formats:
        small = next(m for m in measures if m.file_format == file_format and m.size == sizes[0])
        large = next(m for m in measures if m.file_format == file_format and m.size == sizes[-1])
        ratio = max(large.peaks_mb) / max(small.peaks_mb)
        per_100k = (max(large.peaks_mb) - max(small.peaks_mb)) / ((sizes[-1] - sizes[0]) / 100_000)
        verdict = "flat (streams)" if ratio <= FLAT else "GROWS with the rows (does not stream)"
        print(f"{file_format}: peak {max(small.peaks_mb):.0f} MB at {sizes[0]:,} rows, {max(large.peaks_mb):.0f} MB "
              f"at {sizes[-1]:,} ({ratio:.2f}x, {per_100k:+.1f} MB per 100,000 rows): {verdict}")


if __name__ == "__main__":
    sys.exit(main())
