"""The platform as Diora shows it: tokens, account standing, roles, the error body, trailing slashes,
rate limits."""
import datetime as dt

import jwt
import pytest

from models.base import utcnow
from server.products.diora import PRODUCT
from server.ratelimit import Limiter
from tests.conftest import JWT_SECRET
from tests.diora.conftest import error


def forged(claims, secret=JWT_SECRET, **times):
    now = dt.datetime.now(dt.timezone.utc)
    payload = {"iat": int(now.timestamp()), "exp": int((now + dt.timedelta(days=1)).timestamp()), **claims, **times}
    return {"Authorization": "Bearer " + jwt.encode(payload, secret, algorithm="HS256")}


class TestTokens:
    def test_a_missing_token_is_401_auth_001(self, client):
        response = client.get("/api/user/me")
        assert response.status_code == 401
        assert response.json() == error("No token provided", "AUTH_001")

    @pytest.mark.parametrize("header", [
        pytest.param("Bearer not-a-jwt", id="malformed"),
        pytest.param("Bearer " + jwt.encode({"id": "0" * 24, "sub": "0" * 24, "iat": 1, "exp": 4102444800},
                                            "another-secret-" + "y" * 40, algorithm="HS256"), id="forged"),
    ])
    def test_a_bad_token_is_401_auth_001(self, client, header):
        response = client.get("/api/user/me", headers={"Authorization": header})
        assert response.status_code == 401
        assert response.json() == error("Invalid token", "AUTH_001")

    def test_an_expired_token_is_401_auth_001(self, client, make):
        user = make.user()
        headers = forged({"id": user.id, "sub": user.id}, iat=1, exp=2)
        response = client.get("/api/user/me", headers=headers)
        assert response.status_code == 401
        assert response.json() == error("Token has expired", "AUTH_001")

    def test_a_token_without_a_user_id_is_401(self, client):
        response = client.get("/api/user/me", headers=forged({"sub": "someone"}))
        assert response.status_code == 401
        assert response.json() == error("Invalid token", "AUTH_001")

    def test_a_token_whose_account_is_gone_is_401(self, client):
        response = client.get("/api/user/me", headers=forged({"id": "a" * 24, "sub": "a" * 24}))
        assert response.status_code == 401
        assert response.json() == error("User not found", "AUTH_001")

    def test_the_original_id_claim_alone_is_accepted(self, client, make):
        user = make.user()
        response = client.get("/api/user/me", headers=forged({"id": user.id}))
        assert response.status_code == 200
        assert response.json()["user"]["_id"] == user.id

    def test_tokens_carry_id_and_sub_and_last_thirty_days(self, make):
        user = make.user()
        claims = jwt.decode(make.token(user), JWT_SECRET, algorithms=["HS256"])
        assert (claims["id"], claims["sub"]) == (user.id, user.id)
        assert claims["exp"] - claims["iat"] == 30 * 86400


class TestStanding:
    def test_a_banned_account_is_403_user_002_with_the_reason(self, client, make):
        user = make.user()
        make.ban(user, reason="Hate speech")
        response = client.get("/api/user/me", headers=make.headers(user))
        assert response.status_code == 403
        assert response.json() == error("Account is banned", "USER_002",
                                        details="Your account has been permanently banned. Reason: Hate speech.")

    def test_a_ban_without_a_reason_names_the_default(self, client, make):
        user = make.user()
        make.set(user, status="banned")
        response = client.get("/api/user/me", headers=make.headers(user))
        assert response.json()["details"] == ("Your account has been permanently banned. "
                                              "Reason: Violation of community guidelines.")

    def test_a_running_suspension_is_403_user_002_until_its_end(self, client, make):
        user = make.user()
        until = dt.datetime(2999, 1, 17, tzinfo=dt.timezone.utc)
        make.set(user, status="suspended", suspended_until=until, suspension_reason="Spam")
        response = client.get("/api/user/me", headers=make.headers(user))
        assert response.status_code == 403
        assert response.json() == error("Account is suspended", "USER_002",
                                        details="Your account is suspended until January 17, 2999. Reason: Spam.")

    def test_a_suspension_without_an_end_lasts(self, client, make):
        user = make.user()
        make.suspend(user, days=None)
        response = client.get("/api/user/me", headers=make.headers(user))
        assert response.status_code == 403
        assert response.json()["details"] == "Your account is suspended until further notice. Reason: Spam."

    def test_a_lapsed_suspension_is_lifted_and_written_back(self, client, make):
        user = make.user()
        make.set(user, status="suspended", suspended_until=utcnow() - dt.timedelta(minutes=1), suspension_reason="Spam")
        response = client.get("/api/user/me", headers=make.headers(user))
        assert response.status_code == 200
        assert response.json()["user"]["status"] == "active"
        stored = make.reload(user)
        assert (stored.status, stored.suspended_until, stored.suspension_reason) == ("active", None, None)

    def test_standing_is_checked_on_every_operation(self, client, make):
        user = make.user()
        make.ban(user)
        response = client.put("/api/user/settings", json={"theme": "dark"}, headers=make.headers(user))
        assert response.status_code == 403
        assert make.reload(user).theme == "light"


class TestRoles:
    @pytest.mark.parametrize("kind", ["user", "admin"])
    def test_a_shop_only_operation_refuses_other_types_with_auth_002(self, client, make, kind):
        response = client.put("/api/user/update-shop-details", json={"businessName": "X"},
                              headers=make.headers(type=kind))
        assert response.status_code == 403
        assert response.json() == error("Access denied. Shop owners only.", "AUTH_002")

    def test_the_role_is_refused_before_the_body_is_judged(self, client, make):
        response = client.put("/api/user/update-shop-details", json={"unknown": 1}, headers=make.headers())
        assert response.status_code == 403


class TestErrorBody:
    def test_invalid_input_names_every_field(self, client):
        response = client.post("/api/auth/signup", json={"email": "not-an-email", "username": "ab"})
        assert response.status_code == 400
        body = response.json()
        assert body["status"] is False and body["field"] == "fullName"
        assert body["message"] == "'fullName' is a required property (fullName)"
        assert {(e["field"], e["location"]) for e in body["errors"]} == {
            ("email", "body"), ("username", "body"), ("fullName", "body"), ("password", "body")}

    def test_an_invalid_path_id_is_400_naming_it(self, client, make):
        response = client.get("/api/user/not-an-id", headers=make.headers())
        assert response.status_code == 400
        assert response.json()["field"] == "userId"

    def test_an_unknown_route_is_404(self, client):
        assert client.get("/api/nothing-here").json() == error("Route not found")

    def test_a_method_the_path_does_not_have_is_405_with_allow(self, client):
        response = client.delete("/api/auth/login")
        assert response.status_code == 405
        assert response.headers["Allow"] == "POST"
        assert response.json() == error("Method not allowed")

    def test_a_url_under_two_templated_paths_lists_the_methods_of_both(self, client):
        # /review/product/{productId} (GET) and /review/{targetType}/{id} (PUT, DELETE) both serve it
        response = client.options("/api/review/product/65a1f0c2e4b0a1b2c3d4e5f6")
        assert (response.status_code, response.headers["Allow"]) == (405, "DELETE, GET, PUT")
        response = client.options("/api/message/conversations/user/65a1f0c2e4b0a1b2c3d4e5f6")
        assert (response.status_code, response.headers["Allow"]) == (405, "GET")

    def test_a_body_in_another_content_type_is_415(self, client):
        response = client.post("/api/auth/login", content=b"username=a", headers={"Content-Type": "text/plain"})
        assert response.status_code == 415
        assert response.json()["status"] is False

    def test_the_root_answers_as_the_original(self, client):
        response = client.get("/")
        assert (response.status_code, response.text) == (200, "API is running")


class TestTrailingSlash:
    @pytest.mark.parametrize("path", ["/api/user/me", "/api/user/me/", "/api/user/me//"])
    def test_every_path_works_with_and_without_a_trailing_slash(self, client, make, path):
        response = client.get(path, headers=make.headers(), follow_redirects=False)
        assert response.status_code == 200

    def test_paths_with_parameters_too(self, client, make):
        target = make.user()
        response = client.put(f"/api/user/follow/{target.id}/", headers=make.headers())
        assert response.status_code == 200

    def test_the_docs_keep_their_slash(self, client):
        assert client.get("/api/docs/", follow_redirects=False).status_code == 200


@pytest.fixture
def limited(diora):
    PRODUCT.runtime.limiter = Limiter(PRODUCT.rate_rules)
    yield
    PRODUCT.runtime.limiter = None


class TestRateLimits:
    def test_auth_allows_five_per_window_then_429_with_retry_after(self, client, limited):
        for remaining in (4, 3, 2, 1, 0):
            response = client.post("/api/auth/login", json={"username": "nobody", "password": "x"})
            assert response.status_code == 401
            assert response.headers["X-RateLimit-Limit"] == "5"
            assert response.headers["X-RateLimit-Remaining"] == str(remaining)
        response = client.post("/api/auth/login/", json={"username": "nobody", "password": "x"})
        assert response.status_code == 429
        body = response.json()
        assert body == error("Rate limit exceeded. Please try again later.", retryAfter=body["retryAfter"])
        assert 0 < body["retryAfter"] <= 900 and response.headers["Retry-After"] == str(body["retryAfter"])

    def test_general_requests_carry_the_general_limit(self, client, make, limited):
        response = client.get("/api/user/me", headers=make.headers())
        assert (response.headers["X-RateLimit-Limit"], response.headers["X-RateLimit-Remaining"]) == ("100", "99")

    def test_the_documented_table(self):
        rules = {rule.name: (rule.limit, rule.window) for rule in PRODUCT.rate_rules}
        assert rules == {"general": (100, 900), "auth": (5, 900), "upload": (10, 900), "admin": (50, 900),
                         "messaging": (30, 60)}

    def test_uploads_have_their_own_limit(self, client, make, limited):
        response = client.post("/api/user/upload-image", files={"image": ("a.txt", b"x")}, headers=make.headers())
        assert response.headers["X-RateLimit-Limit"] == "10"
