"""The indicator computation as a background job: the same service as ``flask indicators compute``, then the
run's reports, built and stored so that downloads never build them on a request."""

from __future__ import annotations

from typing import Any

from analysis.status import DisclosureRule
from surveyapp.extensions import db
from surveyapp.models import Job, User
from surveyapp.services import jobs, report_files
from surveyapp.services.indicators import ComputeError, compute
from surveyapp.services.job_messages import COMPUTE_START, COMPUTE_STORED, say

# Of the job's progress bar: the computation takes the first half, the reports the second.
COMPUTE_SHARE = 0.5


def key(programme: str, year: int) -> str:
    """One computation of a programme-year at a time, whoever asks."""
    return f"indicators_compute:{programme}/{year}"


def submit(
    programme: str, year: int, user: User | None, min_n: int = 30, max_ci_width: float = 20.0
) -> tuple[Job, bool]:
    params = {"programme": programme, "year": year, "min_n": min_n, "max_ci_width": max_ci_width}
    return jobs.submit("indicators_compute", params, key(programme, year), user)


def run(job: Job, user: User | None, progress: jobs.Progress) -> dict[str, Any]:
    params = job.params
    rule = DisclosureRule(min_n=int(params.get("min_n", 30)), max_ci_width=float(params.get("max_ci_width", 20.0)))
    steps = [0]

    def note(message: str) -> None:
        # The service says what it has done, not how much is left: each step moves the bar a little.
        steps[0] += 1
        progress(min(COMPUTE_SHARE - 0.05, 0.05 + 0.08 * steps[0]), message)

    progress(0.02, say(COMPUTE_START, programme=params["programme"], year=params["year"]))
    try:
        computed = compute(params["programme"], int(params["year"]), user, rule, note)
    except ComputeError as error:
        raise jobs.JobError(f"{error}. Nothing was stored.") from None
    db.session.commit()  # the run and its results in one step: a failure before this stores nothing
    run_id = computed.id
    progress(COMPUTE_SHARE, say(COMPUTE_STORED, run=run_id, results=len(computed.results)))

    def report_progress(number: int, total: int, text: str) -> None:
        progress(COMPUTE_SHARE + (1 - COMPUTE_SHARE) * number / total, f"run {run_id}: {text}")

    ids, errors = report_files.build_run_reports(computed, job.id, report_progress)
    # The run is complete either way; a report that failed is rebuilt by its first download.
    return {"run_id": run_id, "results": len(computed.results), "report_files": ids, "report_errors": errors}
