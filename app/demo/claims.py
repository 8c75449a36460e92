"""The demo firm's claims desk and complaints: the network of providers, the
standard liability grid, the firm's mediator, about forty claims declared
over the last ten months on the demo's contracts, and a dozen complaints.

Everything goes through the claims and complaints services, as a handler
would have done it on the day: the declaration (by phone, letter, email or
the client space), the cover check, the insurer's answers, experts'
missions, liability, damage items, reserves, the indemnity, payments,
recourse, mediation and litigation, letters, closures and reopenings. The
services stamp what they write with the current time; :class:`app.demo.clock.Clock`
moves each step's rows (timeline, reserve history, tasks, messages,
documents, audit) to the day and hour the step stands for, so the claims'
ages, timelines and tasks read as a desk's real months. The stories are in
:mod:`app.demo.claim_stories` and :mod:`app.demo.business_claim_stories`,
the steps in :mod:`app.demo.claim_steps` and :mod:`app.demo.claim_disputes`,
the complaints in :mod:`app.demo.complaints`.

Deterministic: the stories are data, the contract of each is chosen among
the demo's contracts of its line (the least used first, a seeded
``random.Random`` breaking ties), the hours of the day are seeded too.

Made once. The marker is a claim entered by the firm (any channel but the
client space): the portal demo declares a single claim from the client
space, so a firm with only that one gets this data on its next start, and a
firm that already has claims the firm entered is left as it is. The whole of
it is one transaction (after the providers, the grid and the mediator, each
added only when missing): a failure leaves nothing half made.

Two things are done by hand on purpose: three new claims are left without a
handler (claims arriving by email wait for the manager to dispatch them from
the queue; the declaration gives them the contract's handler), and an
expert's report is a plain PDF written for the demo
(:mod:`app.demo.text_pdf`). The insurers' claim notices and the emails are
queued as the services queue them; the worker delivers them when it runs.
"""

from __future__ import annotations

import random
from datetime import date, time, timedelta

from flask_babel import force_locale
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth.models import User
from app.catalog.models import Insurer, PlacementChannel
from app.claims import assignment, liability, notice
from app.claims import services as claims
from app.claims.models import Claim
from app.complaints import mediator as mediators
from app.contracts.models import Contract, ContractStatus
from app.crm.models import Client
from app.demo.business_claim_stories import BUSINESS
from app.demo.claim_disputes import litigate, mediate, open_recourse, reopen_and_settle, reopen_in_progress
from app.demo.claim_steps import (Desk, Played, acknowledge, agree, close, decide, handle, leave_unassigned,
                                  list_damages, offset_after_decision, pay, reached, record_report, remind,
                                  send_expert, working_day_before)
from app.demo.claim_stories import PERSONAL, Story
from app.demo.clock import Clock
from app.demo.complaints import add_complaints
from app.demo.providers import add_providers
from app.portal.models import PortalAccount
from app.providers.models import Provider

SEED = 7007
FIRM_MEDIATOR = {"mediator_name": "La Médiation de l'Assurance",
                 "mediator_address": "TSA 50110\n75441 Paris Cedex 09",
                 "mediator_website": "www.mediation-assurance.org"}
#: the team's members by first name (app.demo.TEAM and the admin)
STAFF = {"claire": "claire.martin@cabinet-demo.fr", "julien": "julien.lefevre@cabinet-demo.fr",
         "sophie": "sophie.bernard@cabinet-demo.fr", "karim": "karim.haddad@cabinet-demo.fr"}
STORIES = PERSONAL + BUSINESS


def add_claims(session: Session, admin, today: date | None = None) -> int:
    """Give the demo firm its claims desk and complaints once; return how many claims were added."""
    if session.scalar(select(Claim.id).where(Claim.channel != "portal").limit(1)) is not None:
        return 0
    today = today or date.today()
    add_providers(session, admin)
    tenant = notice.firm_of(session)
    if mediators.of_firm(tenant) is None:
        mediators.save(session, admin, tenant, FIRM_MEDIATOR)
    if not liability.grid(session):
        liability.load_standard(session, admin)
    session.commit()
    rng = random.Random(SEED)
    staff = {name: session.scalar(select(User).where(User.email == email)) for name, email in STAFF.items()}
    desk = Desk(session=session, tenant=tenant, today=today, rng=rng, clock=Clock(session, rng), admin=admin,
                staff={name: user for name, user in staff.items() if user is not None and user.is_active},
                providers={item.name: item for item in session.scalars(select(Provider))},
                account=session.scalar(select(PortalAccount).order_by(PortalAccount.id).limit(1)))
    try:
        with force_locale("fr"):
            for story in sorted(STORIES, key=lambda item: (-item.ago, item.key)):
                contract = _contract_for(desk, story)
                if contract is not None:
                    desk.clock.reset()
                    desk.claims[story.key] = _play(desk, story, contract)
            add_complaints(desk)
    finally:
        desk.clock.stop()
    session.commit()
    return len(desk.claims)


def _declared_on(desk: Desk, story: Story) -> date:
    day = desk.today - timedelta(days=story.ago)
    return day if story.channel == "portal" else working_day_before(day)


def _codes(contract: Contract) -> set[str]:
    return {item.get("code") for item in contract.guarantees or () if item.get("included", True)}


def _contract_for(desk: Desk, story: Story) -> Contract | None:
    """The active contract of the story's line it happened under (see :class:`Story`)."""
    occurred_on = _declared_on(desk, story) - timedelta(days=story.occurred)
    query = select(Contract, Client).join(Client, Client.id == Contract.client_id).where(
        Contract.line == story.line, Contract.status == ContractStatus.ACTIVE.value,
        Contract.effective_date <= occurred_on - timedelta(days=14)).order_by(Contract.id)
    if story.portal:
        if desk.account is None:
            return None
        query = query.where(Contract.client_id == desk.account.client_id)
    rows = [(contract, client) for contract, client in desk.session.execute(query)
            if set(story.needs) <= _codes(contract) and not set(story.lacks) & _codes(contract)]
    for narrower in (lambda row: story.naf is not None and row[1].naf_code == story.naf,
                     lambda row: story.special == "insurer_api" and _by_api(desk, row[0])):
        preferred = [row for row in rows if narrower(row)]
        rows = preferred or rows
    if not rows:
        return None
    fewest = min(desk.used.get(contract.id, 0) for contract, _client in rows)
    contract = desk.rng.choice([contract for contract, _client in rows if desk.used.get(contract.id, 0) == fewest])
    desk.used[contract.id] = fewest + 1
    return contract


def _by_api(desk: Desk, contract: Contract) -> bool:
    return desk.session.get(Insurer, contract.insurer_id).placement_channel == PlacementChannel.API


def _play(desk: Desk, story: Story, contract: Contract) -> Claim:
    """Declare the story's claim and handle it up to its ``until`` step."""
    session = desk.session
    client = session.get(Client, contract.client_id)
    handler = desk.staff.get(story.handler or "") or session.get(User, contract.handler_id) or desk.admin
    declared_on = _declared_on(desk, story)
    occurred_on = declared_on - timedelta(days=story.occurred)
    values = {"occurred_on": occurred_on, "occurred_time": time.fromisoformat(story.hour), "place": story.place,
              "circumstances": story.text, **story.details}
    portal = story.channel == "portal"
    with desk.clock.step(declared_on):
        claim = claims.declare(session, None if portal else (desk.staff.get("julien", desk.admin)
                                                               if story.unassigned else handler),
                               contract, story.kind, values, [], channel=story.channel,
                               account_id=desk.account.id if portal else None, today=declared_on)
    played = Played(desk, story, claim, client, session.get(Insurer, contract.insurer_id), handler, declared_on)
    played.pending.extend(played.open_tasks())
    if story.unassigned:
        leave_unassigned(played)
        return claim
    if claim.handler_id != handler.id:
        with played.step(0):
            assignment.assign(session, desk.staff.get("julien", desk.admin), claim, handler.id, claim.version)
    if reached(story, "handled"):
        handle(played)
    if reached(story, "acknowledged"):
        acknowledge(played)
    if story.special == "withdrawn":
        close(played, 7)
        return claim
    if story.special == "no_follow_up":
        close(played, 30)
        return claim
    mission = send_expert(played) if story.expert and reached(story, "acknowledged") else None
    if reached(story, "decided"):
        decide(played, mission)
    if mission is not None and story.expert.get("late"):
        remind(played, mission)
    if mission is not None and "report" in story.expert and reached(story, "reported"):
        record_report(played, mission)
    offset = offset_after_decision(played, mission)
    if reached(story, "damages"):
        offset = list_damages(played, offset)
    if story.special == "litigation":
        litigate(played, offset)
        return claim
    if reached(story, "agreed"):
        offset = agree(played, offset + 4)
    if reached(story, "paid"):
        offset = pay(played, offset + 3)
    if story.special == "recourse":
        open_recourse(played, offset)
    if story.special == "mediation":
        mediate(played, offset)
    if reached(story, "closed"):
        offset = close(played, offset + 7)
        if story.special == "reopen_in_progress":
            reopen_in_progress(played, offset)
        if story.special == "reopen_closed":
            reopen_and_settle(played, offset)
    return claim
