"""The month's generation: preview (due, already issued, amounts by insurer
and line), a run through the real worker with its progress, idempotent (a
second run creates nothing and emails nothing twice), one run of a month at
a time, a failed run named and restarted, the notices it emails (payers
without email counted), bad months, roles and tenant isolation."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.billing import runs
from app.billing.models import BillingRun, BillingSettings, PremiumCall
from app.columns import utcnow
from app.contracts.models import Contract
from app.contracts.rules import add_months
from tests.conftest import sign_in
from tests.integration.test_billing_calls import HTMX, NEXT, book, calls_where, issue_year, reader  # noqa: F401

MONTH = NEXT.strftime("%Y-%m")


def count_calls(bound, tenant) -> int:
    with bound(tenant) as session:
        return session.scalar(select(func.count()).select_from(PremiumCall))


def the_run(bound, tenant, run_id: int) -> BillingRun:
    with bound(tenant) as session:
        run = session.get(BillingRun, run_id)
        session.expunge(run)
        return run


def start(client, month: str = MONTH) -> int:
    response = client.post("/premiums/generate", data={"month": month})
    assert response.status_code == 303, response.text
    return int(response.location.rsplit("/", 1)[1])


def test_the_preview_counts_the_month_and_its_amounts_by_insurer_and_line(admin_client, bound, tenant, book):
    issue_year(bound, tenant, book["quarterly"])
    page = admin_client.get("/premiums/generate")
    assert page.status_code == 200 and f'value="{MONTH}"' in page.text
    for testid, value in (("preview-due", 3), ("preview-issued", 1), ("preview-to-issue", 2)):
        assert f'data-testid="{testid}">{value}<' in page.text, testid
    by_insurer = page.text.split('data-testid="by-insurer"')[1].split("</table>")[0]
    assert "Mutuelle Alpha" in by_insurer and "Assur Beta" in by_insurer
    by_line = page.text.split('data-testid="by-line"')[1].split("</table>")[0]
    assert "Motor" in by_line and "Home" in by_line
    with bound(tenant) as session:
        preview = runs.preview(session, NEXT)
    assert (preview.due, preview.issued) == (3, 1)
    assert {share.label: share.count for share in preview.by_insurer} == {"Mutuelle Alpha": 2, "Assur Beta": 1}
    assert f"€{preview.total:,.2f}" in by_insurer
    later = admin_client.get(f"/premiums/generate?month={add_months(NEXT, 1):%Y-%m}")
    assert 'data-testid="preview-due">1<' in later.text  # the monthly contract only
    assert count_calls(bound, tenant) == 4


@pytest.mark.parametrize("month", ["2026-13", "next", "13/2026", ""])
def test_a_bad_month_is_refused_with_a_message(admin_client, bound, tenant, book, month):
    preview = admin_client.get(f"/premiums/generate?month={month}")
    assert preview.status_code == 400 and "Enter a month as YYYY-MM" in preview.text
    posted = admin_client.post("/premiums/generate", data={"month": month})
    assert posted.status_code == 422 and "Enter a month as YYYY-MM" in posted.text
    with bound(tenant) as session:
        assert session.scalar(select(func.count()).select_from(BillingRun)) == 0


def test_a_run_issues_the_month_through_the_worker_and_a_second_creates_nothing(admin_client, bound, tenant, book,
                                                                                 jobs, mailbox):
    issue_year(bound, tenant, book["quarterly"])
    run_id = start(admin_client)
    queued = admin_client.get(f"/premiums/runs/{run_id}")
    assert "Queued" in queued.text and 'hx-trigger="every 1s"' in queued.text and "Refresh" in queued.text
    jobs()
    run = the_run(bound, tenant, run_id)
    assert (run.status, run.total, run.done, run.created, run.error) == ("done", 3, 3, 2, None)
    assert count_calls(bound, tenant) == 4 + 2
    page = admin_client.get(f"/premiums/runs/{run_id}")
    assert 'data-testid="run-created">2<' in page.text and 'data-testid="run-already">1<' in page.text
    assert f'value="3" max="3"' in page.text and "hx-trigger" not in page.text
    due = calls_where(bound, tenant, PremiumCall.due_date == NEXT)
    assert len(due) == 3
    lea_calls = [call for call in due if call.client_id == book["lea"]]
    assert all(call.notice_sent_at is not None for call in lea_calls)
    assert [call.notice_sent_at for call in due if call.client_id == book["paul"]] == [None]
    assert len(mailbox.to("lea@example.fr")) == 2
    assert "emailed: 2; payers without email: 1" in page.text

    second = start(admin_client)
    jobs()
    again = the_run(bound, tenant, second)
    assert (again.status, again.total, again.done, again.created) == ("done", 3, 3, 0)
    assert count_calls(bound, tenant) == 6 and len(mailbox.to("lea@example.fr")) == 2
    history = admin_client.get("/premiums/generate")
    assert history.text.count(f"/premiums/runs/{run_id}\"") == 1 and f"/premiums/runs/{second}\"" in history.text


def test_the_progress_partial_polls_while_the_run_goes_on(admin_client, bound, tenant, book):
    with bound(tenant) as session:
        run = BillingRun(month=NEXT, status="running", total=40, done=10, created=7, started_at=utcnow())
        session.add(run)
        session.commit()
        run_id = run.id
    partial = admin_client.get(f"/premiums/runs/{run_id}", headers=HTMX)
    assert partial.status_code == 200 and "<html" not in partial.text
    assert 'hx-trigger="every 1s"' in partial.text and 'value="10" max="40"' in partial.text
    assert "10 of 40 calls checked (25 %)" in partial.text
    assert 'data-testid="run-created">7<' in partial.text and 'data-testid="run-already">3<' in partial.text
    assert "Restart the run" not in partial.text


def test_after_the_run_the_page_follows_its_notices_while_they_go_out(admin_client, bound, tenant, book):
    issue_year(bound, tenant, book["monthly"])
    with bound(tenant) as session:
        run = BillingRun(month=NEXT, status="done", total=1, done=1, created=0, started_at=utcnow(),
                         finished_at=utcnow())
        session.add(run)
        session.commit()
        run_id = run.id
    partial = admin_client.get(f"/premiums/runs/{run_id}", headers=HTMX)
    assert 'hx-trigger="every 3s"' in partial.text and "1 notice is being emailed" in partial.text
    with bound(tenant) as session:
        session.get(BillingRun, run_id).finished_at = utcnow() - runs.STALLED_AFTER - timedelta(seconds=1)
        session.commit()
    assert "hx-trigger" not in admin_client.get(f"/premiums/runs/{run_id}", headers=HTMX).text


def test_one_run_of_a_month_at_a_time(admin_client, bound, tenant, book, jobs):
    first = start(admin_client)
    refused = admin_client.post("/premiums/generate", data={"month": MONTH})
    assert refused.status_code == 409
    assert "already being generated" in refused.text and f"/premiums/runs/{first}" in refused.text
    other_month = admin_client.post("/premiums/generate", data={"month": f"{add_months(NEXT, 1):%Y-%m}"})
    assert other_month.status_code == 303
    jobs()
    assert the_run(bound, tenant, first).status == "done"
    assert start(admin_client) != first


def test_a_stalled_run_no_longer_blocks_its_month_and_can_be_restarted(admin_client, bound, tenant, book, jobs):
    with bound(tenant) as session:
        run = BillingRun(month=NEXT, status="running", total=3, done=1, created=1, started_at=utcnow())
        session.add(run)
        session.flush()
        run.updated_at = utcnow() - runs.STALLED_AFTER - timedelta(minutes=1)
        session.commit()
        run_id = run.id
    page = admin_client.get(f"/premiums/runs/{run_id}")
    assert "Stopped" in page.text and "Restart the run" in page.text and "hx-trigger" not in page.text
    assert admin_client.post(f"/premiums/runs/{run_id}/restart").status_code == 303
    jobs()
    assert the_run(bound, tenant, run_id).status == "done"


def test_a_contract_that_cannot_be_billed_fails_the_run_which_restarts_once_fixed(admin_client, bound, tenant,
                                                                                    book, jobs):
    with bound(tenant) as session:
        broken = session.get(Contract, book["half"])
        broken.instalment_plan = "weekly"
        reference = broken.reference
        session.commit()
    preview = admin_client.get(f"/premiums/generate?month={MONTH}")
    assert preview.status_code == 200 and reference in preview.text and "cannot be billed" in preview.text
    run_id = start(admin_client)
    jobs()
    run = the_run(bound, tenant, run_id)
    assert (run.status, run.total, run.created) == ("failed", 2, 2)
    page = admin_client.get(f"/premiums/runs/{run_id}")
    assert f"Contract {reference}: Its instalment plan is not one the premium calls know." in page.text
    assert "Restart the run" in page.text
    with bound(tenant) as session:
        session.get(Contract, book["half"]).instalment_plan = "half_yearly"
        session.commit()
    assert admin_client.post(f"/premiums/runs/{run_id}/restart").status_code == 303
    jobs()
    run = the_run(bound, tenant, run_id)
    assert (run.status, run.total, run.done, run.created, run.error) == ("done", 3, 3, 1, None)
    assert count_calls(bound, tenant) == 3
    refused = admin_client.post(f"/premiums/runs/{run_id}/restart")
    assert refused.status_code == 409 and "Only a run that failed or stopped can be restarted." in refused.text


def test_no_notice_is_emailed_when_the_firm_turned_them_off(admin_client, bound, tenant, book, jobs, mailbox):
    with bound(tenant) as session:
        session.add(BillingSettings(id=1, email_notices=False))
        session.commit()
    run_id = start(admin_client)
    jobs()
    assert the_run(bound, tenant, run_id).created == 3
    assert mailbox.messages == []
    assert all(call.notice_sent_at is None for call in calls_where(bound, tenant))


def test_read_only_staff_preview_but_cannot_start_or_restart(reader, bound, tenant, book):
    assert reader.get("/premiums/generate").status_code == 200
    assert "Issue the" not in reader.get("/premiums/generate").text
    assert reader.post("/premiums/generate", data={"month": MONTH}).status_code == 403
    with bound(tenant) as session:
        run = BillingRun(month=NEXT, status="failed", error="unexpected|boom")
        session.add(run)
        session.commit()
        run_id = run.id
    assert reader.get(f"/premiums/runs/{run_id}").status_code == 200
    assert reader.post(f"/premiums/runs/{run_id}/restart").status_code == 403


def test_another_firm_reaches_no_run(make_tenant, client_for, bound, tenant, book):
    with bound(tenant) as session:
        run = BillingRun(month=NEXT, status="failed", error="unexpected|boom")
        session.add(run)
        session.commit()
        run_id = run.id
    outsider = client_for(make_tenant("b"))
    assert sign_in(outsider, "admin@example.fr").status_code == 303
    assert outsider.get(f"/premiums/runs/{run_id}").status_code == 404
    assert outsider.get(f"/premiums/runs/{run_id}", headers=HTMX).status_code == 404
    assert outsider.post(f"/premiums/runs/{run_id}/restart").status_code == 404
    assert f"/premiums/runs/{run_id}\"" not in outsider.get("/premiums/generate").text
