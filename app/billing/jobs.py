"""Premium jobs: the month's bulk generation (a :class:`BillingRun`, see
:mod:`app.billing.runs`) and the batch of premium notices it queues."""

from __future__ import annotations

import logging
from datetime import date

from flask import current_app, g

from app.billing import notices, runs
from app.extensions import db
from app.jobs.queue import tenant_task

logger = logging.getLogger(__name__)


def _locale() -> str:
    return current_app.config["BABEL_DEFAULT_LOCALE"]


@tenant_task(name="billing.send_notices")
def send_notices(call_ids: list[int], locale: str) -> dict:
    """Email the notices of ``call_ids`` not sent yet (payers without email are skipped)."""
    sent, skipped = notices.send_batch(db.session, None, call_ids, tenant=g.tenant, locale=locale)
    return {"sent": sent, "skipped_no_email": skipped}


@tenant_task(name="billing.generate_month_run")
def generate_month_run(run_id: int, today: str) -> dict | None:
    """Do one month's run; a failure is recorded on the run (which can then be restarted)."""
    try:
        run = runs.execute(db.session, run_id, today=date.fromisoformat(today), tenant=g.tenant,
                           locale=_locale(), notice_job=send_notices)
    except Exception as exc:
        db.session.rollback()
        logger.exception("billing run %s failed", run_id)
        runs.fail(db.session, run_id, exc)
        raise
    return None if run is None else {"status": run.status, "total": run.total, "created": run.created}
