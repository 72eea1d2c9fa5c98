"""``flask jobs``: the worker that runs background jobs from Redis, and a look at the job table."""

from __future__ import annotations

import click
from flask import current_app
from sqlalchemy import select

from surveyapp.cli.group import CommandGroup
from surveyapp.extensions import db
from surveyapp.models import Job
from surveyapp.services import jobs

jobs_cli = CommandGroup("jobs", help="Background jobs: computations and report builds.")


@jobs_cli.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty (for scripts and tests).")
def worker_command(burst: bool) -> None:
    """Run the jobs queued on REDIS_URL (start one or more per machine; each shares DATABASE_URL)."""
    url = jobs.redis_url()
    if not url:
        raise click.ClickException(
            "REDIS_URL is not set: without it the app runs its jobs itself, in threads, and needs no worker. "
            "Set REDIS_URL=redis://HOST:6379/0 for the app and the workers to share a queue."
        )
    from rq import Worker

    queue = jobs._queue(url)
    # Each job runs in a process forked from this one: it must open database connections of its own.
    db.engine.dispose()
    current_app.logger.info("worker on %s, queue %s", url.rsplit("@", 1)[-1], jobs.QUEUE)
    Worker([queue], connection=queue.connection).work(burst=burst)


@jobs_cli.command("list")
@click.option("--limit", default=20, show_default=True)
def list_command(limit: int) -> None:
    """The latest jobs: id, kind, what it works on, status, progress, message or error."""
    for job in db.session.scalars(select(Job).order_by(Job.id.desc()).limit(limit)):
        text = job.error or job.message
        click.echo(f"{job.id:>6} {job.kind:<20} {job.key:<45} {job.status:<8} {job.progress:4.0%}  {text}")
