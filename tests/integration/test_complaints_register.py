"""The yearly register of complaints (ACPR 2022-R-01), exported as CSV and
XLSX from the complaints list: every complaint received in the year (no
other year's), with its channel, client, what it is about, contract,
acknowledgement and answer dates, whether each met its deadline, the
outcome, the days taken to answer and the status; read-only staff may
export, another firm sees none of it."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

from openpyxl import load_workbook
from sqlalchemy import select

from app.audit.models import AuditEntry
from app.complaints import services as complaints
from app.complaints.models import Complaint
from app.crm.models import Client
from tests.integration.test_contracts import other_firm_client, portfolio, readonly_client  # noqa: F401

TODAY = date.today()
YEAR = TODAY.year - 1   # a whole past year: every deadline of it has passed


def register(browser, fmt: str, year: int = YEAR):
    return browser.get(f"/complaints/register?year={year}&format={fmt}")


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))


def file(session, client, received_on: date, **values) -> Complaint:
    return complaints.file(session, None, client, **{"about": "firm", "subject": "Réclamation",
                                                      "description": "Reçue au cabinet.", "channel": "letter",
                                                      "received_on": received_on} | values, today=TODAY)


def year_of_complaints(bound, tenant, portfolio) -> dict[str, str]:
    """In YEAR: one answered in time (rejected, about the insurer), one
    acknowledged late and answered late, one never answered; in the year
    before and this year, one each (not in YEAR's register)."""
    from app.catalog.models import Insurer
    from app.contracts.models import Contract

    with bound(tenant) as session:
        client = session.get(Client, portfolio["client"])
        contract = session.get(Contract, portfolio["contract"])
        on_time = file(session, client, date(YEAR, 3, 2), about="insurer", contract=contract, channel="email",
                       subject="Refus d'indemnisation")
        complaints.acknowledge(session, None, on_time, on=date(YEAR, 3, 5), version=on_time.version)
        complaints.answer(session, None, on_time, on=date(YEAR, 4, 1), text="Refus maintenu.", outcome="rejected",
                          version=on_time.version, mediator_set=True)
        late = file(session, client, date(YEAR, 6, 1), channel="phone", subject="Attestation jamais reçue")
        complaints.acknowledge(session, None, late, on=date(YEAR, 6, 30), version=late.version)
        complaints.answer(session, None, late, on=date(YEAR, 8, 10), text="Envoyée.", outcome="upheld",
                          version=late.version, mediator_set=False)
        pending = file(session, client, date(YEAR, 12, 28), subject="Sans réponse")
        before = file(session, client, date(YEAR - 1, 12, 31), subject="L'an d'avant")
        current = file(session, client, TODAY - timedelta(days=1), subject="Cette année")
        session.commit()
        insurer = session.get(Insurer, portfolio["insurer"]).name
        return {"on_time": on_time.reference, "late": late.reference, "pending": pending.reference,
                "before": before.reference, "current": current.reference, "insurer": insurer,
                "client": client.display_name, "client_reference": client.reference,
                "policy": contract.policy_number}


def test_the_register_lists_the_years_complaints_as_csv(admin_client, portfolio, bound, tenant):
    refs = year_of_complaints(bound, tenant, portfolio)
    response = register(admin_client, "csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert f"complaints-register-{YEAR}" in response.headers["Content-Disposition"]
    header, *rows = csv_rows(response)
    assert header == ["Reference", "Date received", "Channel", "Client reference", "Client", "About", "Contract",
                      "Claim", "Subject", "Acknowledge by", "Acknowledged on", "Acknowledged within the deadline",
                      "Answer by", "Answered on", "Answered within the deadline", "Outcome", "Days to answer",
                      "Status", "Handler"]
    assert [row[0] for row in rows] == [refs["on_time"], refs["late"], refs["pending"]]   # no other year's
    on_time, late, pending = (dict(zip(header, row)) for row in rows)
    assert on_time == on_time | {
        "Date received": f"{YEAR}-03-02", "Channel": "Email", "Client reference": refs["client_reference"],
        "Client": refs["client"], "About": refs["insurer"], "Contract": refs["policy"],
        "Subject": "Refus d'indemnisation", "Acknowledged on": f"{YEAR}-03-05",
        "Acknowledged within the deadline": "Yes", "Answer by": f"{YEAR}-05-02", "Answered on": f"{YEAR}-04-01",
        "Answered within the deadline": "Yes", "Outcome": "Rejected", "Days to answer": "30", "Status": "Answered"}
    assert late == late | {
        "Channel": "Phone", "About": "Cabinet " + tenant.slug, "Contract": "", "Acknowledged on": f"{YEAR}-06-30",
        "Acknowledged within the deadline": "No", "Answered within the deadline": "No", "Outcome": "Upheld",
        "Days to answer": "70"}
    assert pending == pending | {
        "Acknowledged on": "", "Acknowledged within the deadline": "No", "Answered on": "",
        "Answered within the deadline": "No", "Outcome": "", "Days to answer": "", "Status": "Received"}
    with bound(tenant) as session:
        entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "complaint.export"))
        assert entry is not None and entry.after["rows"] == 3


def test_the_register_as_xlsx_keeps_dates_and_numbers(admin_client, portfolio, bound, tenant):
    refs = year_of_complaints(bound, tenant, portfolio)
    response = register(admin_client, "xlsx")
    assert response.status_code == 200 and response.mimetype.endswith("spreadsheetml.sheet")
    sheet = load_workbook(io.BytesIO(response.data)).active
    header, *rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert header[:3] == ["Reference", "Date received", "Channel"]
    assert [row[0] for row in rows] == [refs["on_time"], refs["late"], refs["pending"]]
    on_time = dict(zip(header, rows[0]))
    assert on_time["Date received"].date() == date(YEAR, 3, 2) and on_time["Days to answer"] == 30
    assert on_time["About"] == refs["insurer"] and on_time["Outcome"] == "Rejected"


def test_this_years_register_and_the_list_buttons(admin_client, portfolio, bound, tenant):
    refs = year_of_complaints(bound, tenant, portfolio)
    page = admin_client.get("/complaints").text
    assert f"/complaints/register?year={TODAY.year}&amp;format=csv" in page
    assert f"/complaints/register?year={TODAY.year}&amp;format=xlsx" in page
    assert f"/complaints/register?year={YEAR}&amp;format=xlsx" in admin_client.get(f"/complaints?year={YEAR}").text
    rows = csv_rows(register(admin_client, "csv", TODAY.year))
    assert [row[0] for row in rows[1:]] == [refs["current"]]
    assert len(csv_rows(register(admin_client, "csv", 2001))) == 1        # a year without complaints: the header


def test_bad_register_requests_are_refused_without_error(admin_client):
    for query in ("year=abc&format=csv", "year=1999&format=csv", "year=2026&format=pdf", f"year={10 ** 30}"):
        assert admin_client.get(f"/complaints/register?{query}").status_code == 404
    assert admin_client.get("/complaints/register").status_code == 200   # this year, as CSV


def test_the_register_checks_roles_and_tenants(portfolio, bound, tenant, readonly_client, other_firm_client):
    refs = year_of_complaints(bound, tenant, portfolio)
    assert refs["on_time"] in register(readonly_client, "csv").data.decode("utf-8-sig")
    foreign = register(other_firm_client, "csv")
    assert foreign.status_code == 200 and refs["on_time"] not in foreign.data.decode("utf-8-sig")
