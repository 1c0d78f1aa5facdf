"""Wallet points: the administrators' credit (an addition), the operators' command, the ledger."""
import os
import subprocess
import sys
from decimal import Decimal

import pytest

from models.invare import database, wallet
from tests.invare.conftest import POSITIVE_AMOUNT, error, invalid, user_json
from tests.invare.ledger import ledger_balanced  # noqa: F401  (checked after every test)


def entries(user):
    with database.reading() as session:
        return [(e.kind, str(e.balance_delta), str(e.frozen_delta), e.actor_id, e.note)
                for e in wallet.entries_of(session, user.id)]


class TestCredit:
    def test_an_administrator_credits_points_recorded_with_who_did_it(self, client, make, admin, member):
        response = client.post("/wallet/credit", headers=admin.headers,
                               json={"userId": member.id, "points": "100.5", "note": "welcome"})
        assert response.status_code == 200, response.text
        assert response.json() == user_json(make.reload(member.user), pointsBalance="100.50",
                                            updatedAt=response.json()["updatedAt"])
        assert entries(member.user) == [("credit", "100.50", "0.00", admin.user.id, "welcome")]

    def test_the_user_object_shows_the_balances(self, client, make, admin, member):
        client.post("/wallet/credit", headers=admin.headers, json={"userId": member.id, "points": "7"})
        body = client.get("/auth/me", headers=member.headers).json()
        user = body.get("user", body)
        assert (user["pointsBalance"], user["frozenPoints"]) == ("7.00", "0.00")

    @pytest.mark.parametrize("body, messages", [
        ({"points": "1"}, ["userId should not be empty"]),
        ({"userId": "x", "points": "1"}, ["userId must be a UUID"]),
        ({"userId": "3fa85f64-5717-4562-b3fc-2c963f66afa6"}, ["points should not be empty"]),
        ({"userId": "3fa85f64-5717-4562-b3fc-2c963f66afa6", "points": "1.234"},
         [f"points must match {POSITIVE_AMOUNT} regular expression"]),
        ({"userId": "3fa85f64-5717-4562-b3fc-2c963f66afa6", "points": 5}, ["points must be a string"]),
        ({"userId": "3fa85f64-5717-4562-b3fc-2c963f66afa6", "points": "1", "extra": 1},
         ["property extra should not exist"]),
    ])
    def test_bad_input_is_400_naming_the_field(self, client, admin, body, messages):
        response = client.post("/wallet/credit", headers=admin.headers, json=body)
        assert (response.status_code, response.json()) == (400, invalid(*messages))

    @pytest.mark.parametrize("points", ["0", "0.00", "00.0"])
    def test_zero_points_are_refused(self, client, admin, member, points):
        response = client.post("/wallet/credit", headers=admin.headers, json={"userId": member.id, "points": points})
        assert (response.status_code, response.json()) == (
            400, invalid(f"points must match {POSITIVE_AMOUNT} regular expression"))
        assert entries(member.user) == []

    @pytest.mark.parametrize("points, balance", [("0.01", "0.01"), ("0.5", "0.50"), ("007", "7.00"), ("999999999999.99", "999999999999.99")])
    def test_any_amount_above_zero_is_credited(self, client, admin, member, points, balance):
        response = client.post("/wallet/credit", headers=admin.headers, json={"userId": member.id, "points": points})
        assert (response.status_code, response.json()["pointsBalance"]) == (200, balance)

    def test_an_unknown_user_is_404(self, client, admin):
        response = client.post("/wallet/credit", headers=admin.headers,
                               json={"userId": "3fa85f64-5717-4562-b3fc-2c963f66afa6", "points": "1"})
        assert (response.status_code, response.json()) == (404, error(404, "User not found", "Not Found"))

    def test_without_a_token_401(self, client, member):
        response = client.post("/wallet/credit", json={"userId": member.id, "points": "1"})
        assert response.status_code == 401

    def test_a_plain_user_cannot_credit_even_themselves_403(self, client, member):
        response = client.post("/wallet/credit", headers=member.headers, json={"userId": member.id, "points": "1"})
        assert (response.status_code, response.json()) == (403, error(403, "Forbidden resource", "Forbidden"))
        assert entries(member.user) == []


class TestLedger:
    def test_escrow_movements_keep_balances_equal_to_the_ledger(self, make, member, other_member):
        import uuid

        order_id = uuid.uuid4()
        with database.unit_of_work() as uow:
            wallet.credit(uow.session, user_id=member.user.id, points="50")
            wallet.freeze(uow.session, user_id=member.user.id, points=Decimal("30.00"), order_id=order_id)
            wallet.release(uow.session, buyer_id=member.user.id, seller_id=other_member.user.id,
                           points=Decimal("30.00"), fee=Decimal("1.50"), order_id=order_id)
            uow.commit()
        buyer, seller = make.reload(member.user), make.reload(other_member.user)
        assert (buyer.points_balance, buyer.frozen_points) == (Decimal("20.00"), Decimal("0.00"))
        assert (seller.points_balance, seller.frozen_points) == (Decimal("28.50"), Decimal("0.00"))
        assert [e[:3] for e in entries(member.user)] == [("credit", "50.00", "0.00"), ("freeze", "-30.00", "30.00"),
                                                         ("release", "0.00", "-30.00")]

    def test_a_short_balance_cannot_be_frozen(self, member):
        import uuid

        from models.errors import RuleViolation

        with database.unit_of_work() as uow:
            wallet.credit(uow.session, user_id=member.user.id, points="5")
            with pytest.raises(RuleViolation, match="Insufficient points balance"):
                wallet.freeze(uow.session, user_id=member.user.id, points=Decimal("5.01"), order_id=uuid.uuid4())
            uow.commit()

    def test_entries_are_immutable(self, member):
        with database.unit_of_work() as uow:
            wallet.credit(uow.session, user_id=member.user.id, points="5")
            entry = wallet.entries_of(uow.session, member.user.id)[0]
            entry.note = "changed"
            with pytest.raises(RuntimeError, match="immutable"):
                uow.session.flush()


class TestCommandLine:
    def test_wallet_credit_by_email(self, tmp_path):
        url = f"sqlite:///{tmp_path / 'invare.db'}"
        env = {k: v for k, v in os.environ.items() if not k.endswith("_DATABASE_URL")}
        env.update({"INVARE_DATABASE_URL": url, "JWT_SECRET": "c" * 40, "APP_ENV": "development",
                    "DATA_DIR": str(tmp_path / "data")})
        run = lambda *args: subprocess.run([sys.executable, "-m", "server", *args], env=env, cwd=tmp_path,  # noqa: E731
                                           capture_output=True, text=True, timeout=120)
        assert run("create-admin", "invare", "--username", "Ops", "--email", "ops@example.com",
                   "--password", "unused-password").returncode == 0
        result = run("wallet", "credit", "invare", "--email", "ops@example.com", "--points", "12.5")
        assert (result.returncode, result.stdout.strip()) == (0, "ops@example.com: pointsBalance 12.50, frozenPoints 0.00")
        missing = run("wallet", "credit", "invare", "--email", "nobody@example.com", "--points", "1")
        assert (missing.returncode, missing.stderr.strip()) == (1, "python -m server wallet credit: User not found")
        bad = run("wallet", "credit", "invare", "--email", "ops@example.com", "--points", "1.234")
        assert (bad.returncode, bad.stderr.strip()) == (1, "python -m server wallet credit: points must have at most 2 decimal places")
