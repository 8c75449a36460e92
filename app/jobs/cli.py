"""`flask jobs ...`: run the background worker."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from app.jobs.queue import queue


@click.group("jobs", help="Background jobs.")
def jobs_cli() -> None:
    """Background jobs."""


@jobs_cli.command("worker")
@click.option("--concurrency", default=4, show_default=True, type=click.IntRange(1, 64))
@click.option("--once", is_flag=True, help="Run the jobs waiting now, then exit.")
@with_appcontext
def worker_command(concurrency: int, once: bool) -> None:
    """Run the job worker until interrupted."""
    click.echo("Job worker started." if not once else "Running waiting jobs.")
    queue.run_worker(concurrency=concurrency, wait=not once, install_signal_handlers=not once)
