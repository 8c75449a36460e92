"""Change requests and contact details on the portal: the client asks for a
new vehicle with structured, checked fields; the handler gets a task, sees
the request in the queue and answers; the client sees the answer; another
client's contract, another firm and read-only staff are refused."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from app.crm.models import Client, Task
from app.portal.models import ClientRequest
from tests.integration.test_contracts import other_firm_client, portfolio, readonly_client  # noqa: F401
from tests.integration.test_contracts import make_contract
from tests.integration.test_portal_access import new_client, policyholder  # noqa: F401

SOON = (date.today() + timedelta(days=5)).isoformat()


def ask_new_vehicle(policyholder, contract_id, **values):  # noqa: F811
    data = {"kind": "vehicle_change", "vehicle": "Renault Clio V", "registration": "fk 512 pm",
            "from_date": SOON, "message": "Je change de voiture le 30."} | values
    return policyholder.post(f"/portal/contracts/{contract_id}/requests/new", data=data)


def test_a_new_vehicle_request_reaches_the_handler_and_the_answer_reaches_the_client(policyholder, portfolio,
                                                                                    admin_client, bound, tenant):
    assert policyholder.get(f"/portal/contracts/{portfolio['contract']}/requests/new").status_code == 200
    response = ask_new_vehicle(policyholder, portfolio["contract"])
    assert response.status_code == 303
    with bound(tenant) as session:
        item = session.scalar(select(ClientRequest))
        assert item.details["registration"] == "FK-512-PM" and item.reference == f"DEM-{item.id:06d}"
        assert session.get(Task, item.task_id).due_on == date.today() + timedelta(days=2)
        request_id, version = item.id, item.version
    queue = admin_client.get("/requests?status=open")
    assert queue.status_code == 200 and f"DEM-{request_id:06d}" in queue.text
    page = admin_client.get(f"/requests/{request_id}")
    assert "FK-512-PM" in page.text and "Renault Clio V" in page.text
    refused_without_reason = admin_client.post(f"/requests/{request_id}/answer",
                                               data={"status": "refused", "version": version})
    assert refused_without_reason.status_code == 422 and "Say why" in refused_without_reason.text
    unknown = admin_client.post(f"/requests/{request_id}/answer", data={"status": "done", "endorsement": "9",
                                                                       "version": version})
    assert unknown.status_code == 422 and "no endorsement with this number" in unknown.text
    done = admin_client.post(f"/requests/{request_id}/answer",
                             data={"status": "done", "answer": "Avenant envoyé à l'assureur.", "version": version})
    assert done.status_code == 303
    again = admin_client.post(f"/requests/{request_id}/answer", data={"status": "done", "version": version})
    assert again.status_code == 409
    mine = policyholder.get("/portal/requests")
    assert "Avenant envoyé" in mine.text and "Done" in mine.text
    with bound(tenant) as session:
        assert session.get(Task, session.get(ClientRequest, request_id).task_id).done_at is not None


def test_bad_fields_are_shown_next_to_them_and_kept(policyholder, portfolio):
    response = ask_new_vehicle(policyholder, portfolio["contract"], registration="123", vehicle="")
    assert response.status_code == 422
    assert "French registration number" in response.text and "This field is required" in response.text
    assert "Je change de voiture" in response.text


def test_a_kind_that_does_not_fit_the_line_is_not_offered(policyholder, bound, tenant, portfolio):
    home = make_contract(bound, tenant, client_id=portfolio["client"], insurer_id=portfolio["insurer"], line="home",
                         policy_number="MRH-R")
    assert policyholder.get(f"/portal/contracts/{home}/requests/new?kind=vehicle_change").status_code == 404


def test_another_clients_contract_gets_no_request(policyholder, bound, tenant, portfolio):
    other = new_client(bound, tenant, "o@example.fr", last_name="Olivier")
    contract = make_contract(bound, tenant, client_id=other, insurer_id=portfolio["insurer"], policy_number="O-1")
    assert policyholder.get(f"/portal/contracts/{contract}/requests/new").status_code == 404
    assert ask_new_vehicle(policyholder, contract).status_code == 404
    with bound(tenant) as session:
        assert session.scalar(select(ClientRequest)) is None


def test_staff_request_routes_check_roles_and_tenants(policyholder, portfolio, bound, tenant, readonly_client,
                                                     other_firm_client):
    ask_new_vehicle(policyholder, portfolio["contract"])
    with bound(tenant) as session:
        request_id = session.scalar(select(ClientRequest.id))
    assert readonly_client.get(f"/requests/{request_id}").status_code == 200
    assert readonly_client.post(f"/requests/{request_id}/answer", data={"status": "done"}).status_code == 403
    assert other_firm_client.get(f"/requests/{request_id}").status_code == 404
    assert other_firm_client.post(f"/requests/{request_id}/answer", data={"status": "done"}).status_code == 404
    assert policyholder.get("/requests").status_code == 302


def test_the_client_updates_phone_and_address(policyholder, portfolio, bound, tenant):
    bad = policyholder.post("/portal/account/contact", data={"phone": "abc", "address_line1": "", "postal_code": "1",
                                                             "city": "Lyon"})
    assert bad.status_code == 422 and "phone number" in bad.text and "5-digit postcode" in bad.text
    good = policyholder.post("/portal/account/contact", data={"phone": "06 12 34 56 78",
                                                              "address_line1": "3 place Bellecour",
                                                              "postal_code": "69002", "city": "Lyon"})
    assert good.status_code == 303
    with bound(tenant) as session:
        client = session.get(Client, portfolio["client"])
        assert (client.phone, client.postal_code, client.city) == ("06 12 34 56 78", "69002", "Lyon")
