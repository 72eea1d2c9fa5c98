"""Time a report download before and after reports were stored per run (not a test).

Before: the dashboard built the file on the first request of a run (``report_data`` + ``build``, what the
download view did). After: the computing job stores it, and the request reads the stored file. Both on the same
small synthetic demo (SQLite in a temporary folder), signed in as a ministry, the Kazakh PDF by default.

    .venv/bin/python benchmarks/report_download_bench.py [--lang kk] [--format pdf] [--repeat 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analysis.report import build  # noqa: E402
from surveyapp import create_app  # noqa: E402
from surveyapp.extensions import db  # noqa: E402
from surveyapp.models import User  # noqa: E402
from surveyapp.services import report_files  # noqa: E402
from surveyapp.services.reports import latest_run, report_data  # noqa: E402

PROGRAMME = "public_safety_2024_2028"
YEAR = 2024  # the demo publishes 2024: what a ministry downloads


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lang", default="kk")
    parser.add_argument("--format", default="pdf")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        app = create_app(
            {
                "SECRET_KEY": "bench",
                "RATELIMIT_ENABLED": False,
                "WTF_CSRF_ENABLED": False,
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.sqlite3",
                "DEMO_LOGINS_FILE": f"{folder}/logins.txt",
                "DEMO_DIR": f"{folder}/demo",
            }
        )
        with app.app_context():
            db.create_all()
        result = app.test_cli_runner().invoke(args=["demo", "init", "--adults", "500", "--pupils", "200"])
        assert result.exit_code == 0, result.output
        with app.app_context():
            user = User(username="bench_ministry", role="ministry")
            user.set_password("bench password 1")
            db.session.add(user)
            db.session.commit()
            run = latest_run(PROGRAMME, YEAR, published_only=True)
            assert run is not None, "the demo published no run"
            run_id = run.id

            before = []
            for _ in range(2):  # each at least 6 s: two are enough for a median
                started = time.perf_counter()
                data = report_data(PROGRAMME, YEAR, args.lang, app.config["QUESTIONNAIRES_DIR"], True)
                build(data, args.format, Path(folder) / f"before.{args.format}")
                before.append(time.perf_counter() - started)

            started = time.perf_counter()
            stored = report_files.build_one(run, args.lang, args.format)
            job_seconds = time.perf_counter() - started
            size = stored.size

        client = app.test_client()
        client.post("/auth/login", data={"username": "bench_ministry", "password": "bench password 1"})
        url = f"/dashboard/{PROGRAMME}/{YEAR}/report.{args.lang}.{args.format}"
        after = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            response = client.get(url)
            after.append(time.perf_counter() - started)
            assert response.status_code == 200, response.status_code
            assert response.headers["X-Report-Run"] == str(run_id)
    print(f"{args.lang} {args.format.upper()} of run {run_id} ({size / 1024:.0f} KiB)")
    print(f"before (built on the request): median {statistics.median(before):.2f} s of {len(before)}")
    print(f"build in the job (once per run and state): {job_seconds:.2f} s")
    print(
        f"after (stored file, whole request incl. sign-in check and audit): median "
        f"{statistics.median(after) * 1000:.0f} ms, max {max(after) * 1000:.0f} ms of {len(after)}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
