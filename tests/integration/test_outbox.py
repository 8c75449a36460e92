"""The outbox against real servers: an API placement signed and retried on
5xx with one idempotency key, rejected on 4xx without retry; an SMTP server
down then up loses nothing; resend sends the same message again, cancel
stops it; the sweeper re-queues a message whose job was lost."""

from __future__ import annotations

from sqlalchemy import select, text

from tests.conftest import free_port
from tests.insurer_server import insurer_server  # noqa: F401
from tests.integration.test_needs_data import admin, firm  # noqa: F401
from tests.integration.test_placements_data import (PLACEMENT_EMAIL, make_accepted_offer, make_due_now,
                                                    offer_by_email, placement_of, send_placement,  # noqa: F401
                                                    set_channel, sweep)


def _api_offer(firm, bound, server) -> int:
    with bound(firm["tenant"]) as session:
        set_channel(session, firm["insurer"], "api", server.url)
        offer_id = make_accepted_offer(session, firm)
        session.commit()
    return offer_id


def _message(session, offer_id):
    from app.outbox.models import OutboxMessage

    placement = placement_of(session, offer_id)[-1]
    return placement, session.get(OutboxMessage, placement.message_id)


def _queued_jobs(app, message_id: int) -> int:
    from app.extensions import db

    with app.app_context(), db.engine.connect() as conn:
        return conn.execute(text("SELECT count(*) FROM procrastinate_jobs WHERE task_name = 'outbox.deliver' "
                                 "AND status = 'todo' AND args->>'message_id' = :id"), {"id": str(message_id)}).scalar()


def test_an_api_placement_is_retried_on_5xx_with_the_same_idempotency_key(app, admin, firm, bound, jobs,
                                                                           insurer_server):
    insurer_server.script(500, 503, 200)
    offer_id = _api_offer(firm, bound, insurer_server)
    assert send_placement(admin, offer_id).status_code == 303
    jobs()
    for _ in range(2):
        with bound(firm["tenant"]) as session:
            placement, message = _message(session, offer_id)
            assert message.status == "pending" and message.next_attempt_at is not None
            make_due_now(session, message.id)
        assert sweep(app) >= 1  # the retry job is scheduled later: the sweeper queues one now
        jobs()
    with bound(firm["tenant"]) as session:
        placement, message = _message(session, offer_id)
        assert len(placement_of(session, offer_id)) == 1
        assert message.status == "delivered" and message.attempts == 3
        assert [(a.outcome, a.status_code) for a in message.attempt_log] == [("retry", 500), ("retry", 503),
                                                                              ("delivered", 200)]
        key, reference, placement_id = message.idempotency_key, placement.reference, placement.id
    assert len(insurer_server.received) == 3
    assert {r.idempotency_key for r in insurer_server.received} == {key}
    assert all(r.signature_valid for r in insurer_server.received)
    assert len({r.body for r in insurer_server.received}) == 1
    assert insurer_server.received[0].json()["reference"] == reference
    page = admin.get(f"/placements/{placement_id}")
    assert page.text.count("Failed, will retry") == 2 and "Delivered" in page.text and key in page.text


def test_a_4xx_answer_is_rejected_shown_to_the_handler_and_not_retried(app, admin, firm, bound, jobs,
                                                                        insurer_server):
    insurer_server.script((422, {"error": {"message": "Unknown product code ESS"}}))
    offer_id = _api_offer(firm, bound, insurer_server)
    assert send_placement(admin, offer_id).status_code == 303
    jobs()
    with bound(firm["tenant"]) as session:
        placement, message = _message(session, offer_id)
        assert message.status == "rejected" and message.next_attempt_at is None
        assert message.last_error == "Unknown product code ESS"
        placement_id, message_id = placement.id, message.id
    assert _queued_jobs(app, message_id) == 0
    sweep(app)
    jobs()
    assert len(insurer_server.received) == 1
    page = admin.get(f"/placements/{placement_id}")
    assert "Rejected by the insurer" in page.text and "Unknown product code ESS" in page.text


def test_resend_tries_the_same_message_again_and_cancel_stops_it(app, admin, firm, bound, jobs, insurer_server):
    insurer_server.script((422, {"error": {"message": "Endpoint closed for maintenance"}}))
    offer_id = _api_offer(firm, bound, insurer_server)
    assert send_placement(admin, offer_id).status_code == 303
    jobs()
    with bound(firm["tenant"]) as session:
        placement, message = _message(session, offer_id)
        placement_id, key = placement.id, message.idempotency_key
    assert admin.get(f"/placements/{placement_id}/resend").status_code == 200
    assert admin.post(f"/placements/{placement_id}/resend").status_code == 303
    jobs()
    with bound(firm["tenant"]) as session:
        _placement, message = _message(session, offer_id)
        assert message.status == "delivered" and [a.outcome for a in message.attempt_log] == ["rejected", "delivered"]
    assert [r.idempotency_key for r in insurer_server.received] == [key, key]
    cancelled = admin.post(f"/placements/{placement_id}/cancel", follow_redirects=True)
    assert "already received it" in cancelled.text
    assert admin.post(f"/placements/{placement_id}/resend", follow_redirects=True).status_code == 200


def test_cancelling_before_delivery_sends_nothing_and_frees_the_offer(app, admin, firm, bound, jobs,
                                                                      insurer_server):
    offer_id = _api_offer(firm, bound, insurer_server)
    assert send_placement(admin, offer_id).status_code == 303
    with bound(firm["tenant"]) as session:
        placement, _message_row = _message(session, offer_id)
        placement_id = placement.id
    confirm = admin.get(f"/placements/{placement_id}/cancel")
    assert confirm.status_code == 200 and "will not be sent" in confirm.text
    assert admin.post(f"/placements/{placement_id}/cancel").status_code == 303
    jobs()
    assert insurer_server.received == []
    with bound(firm["tenant"]) as session:
        placement, message = _message(session, offer_id)
        assert (placement.status, message.status) == ("cancelled", "cancelled")
    assert "cancelled" in admin.post(f"/placements/{placement_id}/resend", follow_redirects=True).text
    assert send_placement(admin, offer_id).status_code == 303  # placed again, as a new placement
    with bound(firm["tenant"]) as session:
        assert [p.status for p in placement_of(session, offer_id)] == ["cancelled", "sent"]


def test_an_smtp_server_down_loses_nothing(app, admin, firm, offer_by_email, bound, jobs, mailbox):
    working = app.config["MAIL_URL"]
    app.config["MAIL_URL"] = f"smtp://127.0.0.1:{free_port()}"  # nothing listens there
    try:
        assert send_placement(admin, offer_by_email).status_code == 303
        jobs()
        with bound(firm["tenant"]) as session:
            _placement, message = _message(session, offer_by_email)
            assert message.status == "pending" and [a.outcome for a in message.attempt_log] == ["retry"]
            assert "Connection refused" in message.attempt_log[0].detail or "Errno" in message.attempt_log[0].detail
            make_due_now(session, message.id)
    finally:
        app.config["MAIL_URL"] = working
    assert mailbox.to(PLACEMENT_EMAIL) == []
    sweep(app)
    jobs()
    (received,) = mailbox.to(PLACEMENT_EMAIL)
    with bound(firm["tenant"]) as session:
        _placement, message = _message(session, offer_by_email)
        assert message.status == "delivered" and [a.outcome for a in message.attempt_log] == ["retry", "delivered"]
        assert message.idempotency_key in received["Message-ID"]
        assert received["Assurdesk-Idempotency-Key"] == message.idempotency_key


def test_the_sweeper_requeues_a_message_whose_job_was_lost(app, admin, firm, offer_by_email, bound, jobs, mailbox):
    from app.extensions import db

    assert send_placement(admin, offer_by_email).status_code == 303
    with app.app_context(), db.engine.begin() as conn:
        conn.execute(text("DELETE FROM procrastinate_jobs WHERE task_name = 'outbox.deliver' AND status = 'todo'"))
    jobs()
    assert mailbox.to(PLACEMENT_EMAIL) == []
    assert sweep(app) == 1
    assert sweep(app) == 0  # a job able to run now exists: not queued twice
    jobs()
    assert len(mailbox.to(PLACEMENT_EMAIL)) == 1


def test_a_broken_tenant_does_not_stop_the_sweep_for_the_others(app, admin, firm, offer_by_email, bound, jobs,
                                                                  mailbox, make_tenant):
    from app.extensions import db

    broken = make_tenant("broken")
    with app.app_context(), db.engine.begin() as conn:
        conn.exec_driver_sql(f'DROP TABLE "{broken.schema_name}".delivery_attempt, "{broken.schema_name}".outbox_message CASCADE')
    assert send_placement(admin, offer_by_email).status_code == 303
    with app.app_context(), db.engine.begin() as conn:
        conn.execute(text("DELETE FROM procrastinate_jobs WHERE task_name = 'outbox.deliver' AND status = 'todo'"))
    assert sweep(app) == 1
    jobs()
    assert len(mailbox.to(PLACEMENT_EMAIL)) == 1


def test_a_message_held_by_another_worker_is_skipped_not_sent_twice(app, admin, firm, offer_by_email, bound,
                                                                     mailbox):
    from app.extensions import db
    from app.outbox import services as outbox
    from app.outbox.models import OutboxMessage

    assert send_placement(admin, offer_by_email).status_code == 303
    schema = firm["tenant"].schema_name
    with bound(firm["tenant"]) as session:
        message_id = session.scalar(select(OutboxMessage.id))
        with db.engine.connect() as other_worker:
            other_worker.execute(text(f'SELECT id FROM "{schema}".outbox_message WHERE id = :id FOR UPDATE'),
                                 {"id": message_id})
            assert outbox.deliver(session, message_id) is None  # SKIP LOCKED: the other worker has it
            other_worker.rollback()
        assert outbox.deliver(session, message_id).outcome == "delivered"
        assert outbox.deliver(session, message_id) is None  # delivered: nothing more to do
    assert len(mailbox.to(PLACEMENT_EMAIL)) == 1
