from tests.conftest import sign_in


def test_admin_signs_in_and_sees_dashboard(client_for, tenant):
    client = client_for(tenant)
    assert client.get("/").status_code == 302
    response = sign_in(client, "admin@example.fr")
    assert response.status_code == 303
    page = client.get("/")
    assert page.status_code == 200
    assert tenant.name in page.text


def test_invitation_email_is_delivered(admin_client, mailbox, jobs):
    response = admin_client.post("/settings/team/invite", data={"full_name": "Bob", "email": "bob@example.fr", "role": "handler"})
    assert response.status_code == 303, response.text
    jobs()
    assert mailbox.to("bob@example.fr")
    assert "/invitation/" in mailbox.link("bob@example.fr")
