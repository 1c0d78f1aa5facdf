"""Tickets: users open and follow theirs; administrators see all, move and assign them."""
import uuid

import pytest

from tests.invare.conftest import error, invalid


def open_ticket(client, member, subject="Issue with order", **extra):
    response = client.post("/tickets", json={"subject": subject, "createdByUserId": member.id, "priority": "medium",
                                             **extra}, headers=member.headers)
    assert response.status_code == 201, response.json()
    return response.json()


class TestCreateTicket:
    def test_the_clients_body(self, client, member):
        ticket = open_ticket(client, member)
        assert {k: ticket[k] for k in ("subject", "priority", "status", "createdByUserId", "assignedToUserId")} == {
            "subject": "Issue with order", "priority": "medium", "status": "open", "createdByUserId": member.id,
            "assignedToUserId": None}

    def test_defaults(self, client, member):
        response = client.post("/tickets", json={"subject": "Help"}, headers=member.headers)
        assert response.json()["priority"] == "medium" and response.json()["createdByUserId"] == member.id

    def test_not_for_someone_else(self, client, member, other_member):
        response = client.post("/tickets", json={"subject": "x", "createdByUserId": other_member.id}, headers=member.headers)
        assert response.json() == error(403, "createdByUserId must be your own id", "Forbidden")

    @pytest.mark.parametrize("body, messages", [
        ({}, ["subject should not be empty"]),
        ({"subject": "x", "priority": "asap"}, ["priority must be one of the following values: low, medium, high, urgent"]),
        ({"subject": "x", "extra": 1}, ["property extra should not exist"]),
    ])
    def test_bad_input(self, client, member, body, messages):
        assert client.post("/tickets", json=body, headers=member.headers).json() == invalid(*messages)

    def test_needs_a_token(self, client):
        assert client.post("/tickets", json={"subject": "x"}).status_code == 401


class TestListTickets:
    def test_users_see_theirs_admins_all(self, client, member, other_member, admin):
        mine = open_ticket(client, member)
        open_ticket(client, other_member)
        assert [t["id"] for t in client.get("/tickets", headers=member.headers).json()] == [mine["id"]]
        assert len(client.get("/tickets?page=1&limit=20", headers=admin.headers).json()) == 2
        assert len(client.get("/tickets?page=2&limit=1", headers=admin.headers).json()) == 1

    def test_needs_a_token(self, client):
        assert client.get("/tickets").status_code == 401


class TestGetTicket:
    def test_author_admin_not_others(self, client, member, other_member, admin):
        ticket = open_ticket(client, member)
        assert client.get(f"/tickets/{ticket['id']}", headers=member.headers).json() == ticket
        assert client.get(f"/tickets/{ticket['id']}", headers=admin.headers).status_code == 200
        response = client.get(f"/tickets/{ticket['id']}", headers=other_member.headers)
        assert response.json() == error(403, "You can only access your own tickets", "Forbidden")
        assert client.get(f"/tickets/{uuid.uuid4()}", headers=member.headers).json() == error(404, "Ticket not found", "Not Found")
        assert client.get(f"/tickets/{ticket['id']}").status_code == 401


class TestSetTicketStatus:
    def test_admins_move_tickets(self, client, member, admin):
        ticket = open_ticket(client, member)
        response = client.patch(f"/tickets/{ticket['id']}/status", json={"status": "in_progress"}, headers=admin.headers)
        assert response.status_code == 200 and response.json()["status"] == "in_progress"

    def test_users_cannot(self, client, member):
        ticket = open_ticket(client, member)
        response = client.patch(f"/tickets/{ticket['id']}/status", json={"status": "closed"}, headers=member.headers)
        assert response.json() == error(403, "Forbidden resource", "Forbidden")
        assert client.patch(f"/tickets/{ticket['id']}/status", json={"status": "closed"}).status_code == 401

    def test_bad_status_and_unknown(self, client, admin):
        response = client.patch(f"/tickets/{uuid.uuid4()}/status", json={"status": "done"}, headers=admin.headers)
        assert response.status_code == 400
        response = client.patch(f"/tickets/{uuid.uuid4()}/status", json={"status": "closed"}, headers=admin.headers)
        assert response.status_code == 404


class TestAssignTicket:
    def test_to_an_administrator(self, client, member, admin, make):
        ticket = open_ticket(client, member)
        response = client.post("/tickets/assign", json={"ticketId": ticket["id"], "assignedToUserId": admin.id},
                               headers=admin.headers)
        assert response.status_code == 200 and response.json()["assignedToUserId"] == admin.id

    def test_not_to_a_plain_user(self, client, member, other_member, admin):
        ticket = open_ticket(client, member)
        response = client.post("/tickets/assign", json={"ticketId": ticket["id"], "assignedToUserId": other_member.id},
                               headers=admin.headers)
        assert response.status_code == 400 and response.json()["message"] == "assignedToUserId must be an administrator"

    def test_users_cannot(self, client, member):
        ticket = open_ticket(client, member)
        response = client.post("/tickets/assign", json={"ticketId": ticket["id"], "assignedToUserId": member.id},
                               headers=member.headers)
        assert response.status_code == 403
        assert client.post("/tickets/assign", json={}).status_code == 401


class TestTicketMessages:
    def test_an_administrator_naming_an_unknown_sender_is_404(self, client, member, admin):
        ticket = open_ticket(client, member)
        response = client.post("/tickets/message", json={"ticketId": ticket["id"], "senderUserId": str(uuid.uuid4()),
                                                         "content": "Hello"}, headers=admin.headers)
        assert (response.status_code, response.json()) == (404, error(404, "User not found", "Not Found"))
        assert client.get(f"/tickets/{ticket['id']}/messages", headers=member.headers).json() == []

    def test_write_and_read(self, client, member, admin):
        ticket = open_ticket(client, member)
        first = client.post("/tickets/message", json={"ticketId": ticket["id"], "senderUserId": member.id,
                                                      "content": "Following up on this ticket."}, headers=member.headers)
        assert first.status_code == 201
        assert {k: first.json()[k] for k in ("ticketId", "senderUserId", "content")} == {
            "ticketId": ticket["id"], "senderUserId": member.id, "content": "Following up on this ticket."}
        client.post("/tickets/message", json={"ticketId": ticket["id"], "content": "On it"}, headers=admin.headers)
        listed = client.get(f"/tickets/{ticket['id']}/messages", headers=member.headers).json()
        assert [(m["senderUserId"], m["content"]) for m in listed] == [
            (member.id, "Following up on this ticket."), (admin.id, "On it")]

    def test_others_cannot(self, client, member, other_member):
        ticket = open_ticket(client, member)
        response = client.post("/tickets/message", json={"ticketId": ticket["id"], "content": "x"}, headers=other_member.headers)
        assert response.status_code == 403
        assert client.get(f"/tickets/{ticket['id']}/messages", headers=other_member.headers).status_code == 403
        assert client.get(f"/tickets/{ticket['id']}/messages").status_code == 401

    def test_bad_input(self, client, member):
        assert client.post("/tickets/message", json={"ticketId": str(uuid.uuid4())},
                           headers=member.headers).json() == invalid("content should not be empty")
        response = client.post("/tickets/message", json={"ticketId": str(uuid.uuid4()), "content": "x"}, headers=member.headers)
        assert response.status_code == 404
