"""Sign-up and sign-in."""
import datetime as dt

import jwt
import pytest

from models.base import utcnow
from tests.conftest import JWT_SECRET
from tests.diora.conftest import PASSWORD, error

SIGNUP = {"email": "John@Example.com", "username": "JohnDoe", "fullName": "John Doe", "password": "password123"}


def default_settings():
    return {"theme": "light",
            "privacy": {"profileVisibility": "public", "allowMessages": True, "showOnlineStatus": True},
            "notifications": {"likes": True, "comments": True, "follow": True, "mention": True, "order": True,
                              "promotion": True, "system": True, "warning": True, "reportUpdate": True,
                              "messages": True, "emailFrequency": "instant", "pushNotifications": True,
                              "emailNotifications": False, "likeNotifications": True, "commentNotifications": True}}


class TestSignup:
    def test_creates_a_regular_account_and_a_token(self, client):
        response = client.post("/api/auth/signup", json=SIGNUP)
        assert response.status_code == 201
        body = response.json()
        user = body["user"]
        assert body["status"] is True
        assert jwt.decode(body["token"], JWT_SECRET, algorithms=["HS256"])["id"] == user["_id"]
        created = user.pop("createdAt")
        assert user.pop("lastActiveAt") == created and created.endswith("Z")
        assert user == {
            "_id": user["_id"], "email": "john@example.com", "username": "johndoe", "fullName": "John Doe",
            "avatar": None, "avatarId": None, "bio": "", "isVerified": False, "type": "user", "status": "active",
            "followers": [], "following": [], "followersCount": 0, "followingCount": 0, "posts": 0, "likedPosts": [],
            "shop": None, "suspendedUntil": None, "suspensionReason": None, "banReason": None, "bannedAt": None,
            "settings": default_settings(),
            "onboarding": {"isComplete": False, "completedAt": None, "step": 0,
                           "profile": {"completed": False, "dateOfBirth": None, "gender": None, "location": "",
                                       "interests": []},
                           "preferences": {"completed": False, "favoriteCategories": [], "shoppingFrequency": None,
                                           "budgetRange": None}},
        }

    def test_the_token_works(self, client):
        token = client.post("/api/auth/signup", json=SIGNUP).json()["token"]
        response = client.get("/api/user/me", headers={"Authorization": f"Bearer {token}"})
        assert response.json()["user"]["username"] == "johndoe"

    @pytest.mark.parametrize("changes, message, field", [
        pytest.param({"username": "JOHNDOE", "email": "other@example.com"}, "Username already taken", "username",
                     id="username in another case"),
        pytest.param({"username": "other", "email": "JOHN@example.COM"}, "Email already used", "email",
                     id="email in another case"),
    ])
    def test_username_and_email_are_unique_regardless_of_case(self, client, changes, message, field):
        client.post("/api/auth/signup", json=SIGNUP)
        response = client.post("/api/auth/signup", json={**SIGNUP, **changes})
        assert response.status_code == 409
        assert response.json() == error(message, field=field)

    @pytest.mark.parametrize("changes, field", [
        pytest.param({"email": "nope"}, "email", id="bad email"),
        pytest.param({"username": "ab"}, "username", id="short username"),
        pytest.param({"username": "a@b.c"}, "username", id="username with @"),
        pytest.param({"password": "12345"}, "password", id="short password"),
        pytest.param({"fullName": "   "}, "fullName", id="blank name"),
        pytest.param({"type": "admin"}, "type", id="no choosing the type"),
    ])
    def test_invalid_input_is_400_naming_the_field(self, client, changes, field):
        response = client.post("/api/auth/signup", json={**SIGNUP, **changes})
        assert response.status_code == 400
        assert response.json()["field"] == field


class TestLogin:
    @pytest.mark.parametrize("body", [
        pytest.param(lambda u: {"username": u.username}, id="username"),
        pytest.param(lambda u: {"username": u.username.upper()}, id="username in capitals"),
        pytest.param(lambda u: {"username": u.email.upper()}, id="email as username"),
        pytest.param(lambda u: {"email": u.email}, id="email"),
    ])
    def test_signs_in_by_username_or_email(self, client, make, body):
        user = make.user()
        response = client.post("/api/auth/login", json={**body(user), "password": PASSWORD})
        assert response.status_code == 200
        answer = response.json()
        assert (answer["status"], answer["message"], answer["user"]["_id"]) == (True, "Login successful", user.id)
        assert jwt.decode(answer["token"], JWT_SECRET, algorithms=["HS256"])["sub"] == user.id

    @pytest.mark.parametrize("username, password", [
        pytest.param("known", "wrong-password", id="wrong password"),
        pytest.param("nobody-here", PASSWORD, id="unknown user"),
    ])
    def test_wrong_credentials_are_one_401(self, client, make, username, password):
        make.user(username="known")
        response = client.post("/api/auth/login", json={"username": username, "password": password})
        assert response.status_code == 401
        assert response.json() == error("Invalid username/email or password")

    def test_neither_username_nor_email_is_400(self, client):
        response = client.post("/api/auth/login", json={"password": PASSWORD})
        assert response.status_code == 400
        assert response.json()["status"] is False

    def test_a_banned_account_is_refused_with_the_ban(self, client, make):
        user = make.user()
        make.ban(user, reason="Hate speech")
        banned_at = make.reload(user).banned_at
        response = client.post("/api/auth/login", json={"username": user.username, "password": PASSWORD})
        assert response.status_code == 403
        assert response.json() == error(
            "Account Banned", "USER_002", details="Your account has been permanently banned. Reason: Hate speech.",
            banReason="Hate speech", bannedAt=banned_at.replace(tzinfo=dt.timezone.utc)
            .isoformat(timespec="milliseconds").replace("+00:00", "Z"))

    def test_a_suspended_account_is_refused_with_the_suspension(self, client, make):
        user = make.user()
        until = dt.datetime(2999, 1, 17, 8, 30, tzinfo=dt.timezone.utc)
        make.set(user, status="suspended", suspended_until=until, suspension_reason="Spam")
        response = client.post("/api/auth/login", json={"username": user.username, "password": PASSWORD})
        assert response.status_code == 403
        assert response.json() == error(
            "Account Suspended", "USER_002", details="Your account is suspended until January 17, 2999. Reason: Spam.",
            suspendedUntil="2999-01-17T08:30:00.000Z", suspensionReason="Spam")

    def test_a_wrong_password_on_a_banned_account_reveals_nothing(self, client, make):
        user = make.user()
        make.ban(user)
        response = client.post("/api/auth/login", json={"username": user.username, "password": "nope"})
        assert response.status_code == 401

    def test_a_lapsed_suspension_is_lifted_at_login(self, client, make):
        user = make.user()
        make.set(user, status="suspended", suspended_until=utcnow() - dt.timedelta(seconds=5), suspension_reason="x")
        response = client.post("/api/auth/login", json={"username": user.username, "password": PASSWORD})
        assert response.status_code == 200
        assert response.json()["user"]["status"] == "active"
        assert make.reload(user).status == "active"
