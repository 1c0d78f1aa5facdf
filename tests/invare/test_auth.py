"""Sign-in by e-mailed code, Google sign-in, registration and the signed-in account."""
import dataclasses
import datetime as dt

import jwt
import pytest
from sqlalchemy import select, update

from contracts.mailbox import MailCatcher
from integrations.google_identity import FakeGoogleVerifier, GoogleIdentityConfig
from integrations.mail import SmtpMailer
from models.errors import UpstreamFailure
from models.invare import database
from models.invare.companies import Company
from models.invare.otp import OtpCode
from models.invare.users import User
from server.products.invare import PRODUCT
from tests.conftest import JWT_SECRET
from tests.invare.conftest import error, invalid, otp_code, sign_in, user_json

TOO_MANY = error(429, "Too many OTP requests. Try again later.", "Too Many Requests")
INVALID_OTP = error(401, "Invalid OTP", "Unauthorized")
NOT_ACTIVE_403 = error(403, "Account is not active", "Forbidden")
NOT_ACTIVE_401 = error(401, "Account is not active", "Unauthorized")
UNAUTHORIZED = error(401, "Unauthorized", "Unauthorized")
FORBIDDEN = error(403, "Forbidden resource", "Forbidden")
GOOGLE_INVALID = error(401, "Invalid Google credentials", "Unauthorized")


def codes_for(email):
    with database.reading() as session:
        return session.scalars(select(OtpCode).where(OtpCode.email == email).order_by(OtpCode.created_at)).all()


def age_codes(email, **delta):
    """Move the e-mail's codes into the past (as if requested ``delta`` ago)."""
    with database.unit_of_work() as uow:
        for code in uow.session.scalars(select(OtpCode).where(OtpCode.email == email)):
            code.created_at = code.created_at - dt.timedelta(**delta)
        uow.commit()


class TestRequestOtp:
    def test_mails_a_six_digit_code_stored_only_as_a_hash(self, client, member, mail):
        response = client.post("/auth/request-otp", json={"email": member.user.email.upper()})
        assert (response.status_code, response.json()) == (200, {"success": True})
        message = mail.latest(member.user.email)
        assert message.subject == "Your Invare sign-in code"
        code = otp_code(mail, member.user.email)
        assert f"Your Invare sign-in code is {code}." in message.text
        assert "expires in 10 minutes" in message.text
        [stored] = codes_for(member.user.email)
        assert code not in stored.code_hash and len(stored.code_hash) == 64 and stored.used_at is None

    def test_unknown_email(self, client):
        response = client.post("/auth/request-otp", json={"email": "nobody@example.com"})
        assert (response.status_code, response.json()) == (404, error(404, "User not found", "Not Found"))

    @pytest.mark.parametrize("status", ["suspended", "deleted"])
    def test_inactive_account(self, client, make, member, status):
        make.set_status(member.user, status)
        response = client.post("/auth/request-otp", json={"email": member.user.email})
        assert (response.status_code, response.json()) == (403, NOT_ACTIVE_403)

    @pytest.fixture
    def throttled(self, monkeypatch):
        """The policy a production server runs with (the suite runs with RATE_LIMITS=off)."""
        monkeypatch.setattr(PRODUCT.runtime, "otp_policy", dataclasses.replace(PRODUCT.runtime.otp_policy, throttled=True))

    def test_rate_limits_off_lifts_the_throttle(self, client, member):
        assert PRODUCT.runtime.otp_policy.throttled is False
        for _ in range(6):
            assert client.post("/auth/request-otp", json={"email": member.user.email}).status_code == 200
        assert [c.used_at is None for c in codes_for(member.user.email)].count(True) == 1

    @pytest.mark.usefixtures("throttled")
    def test_cooldown_of_thirty_seconds(self, client, member):
        assert client.post("/auth/request-otp", json={"email": member.user.email}).status_code == 200
        response = client.post("/auth/request-otp", json={"email": member.user.email})
        assert (response.status_code, response.json()) == (429, TOO_MANY)
        assert 1 <= int(response.headers["Retry-After"]) <= 30
        age_codes(member.user.email, seconds=31)
        assert client.post("/auth/request-otp", json={"email": member.user.email}).status_code == 200

    @pytest.mark.usefixtures("throttled")
    def test_five_per_rolling_hour(self, client, member):
        for _ in range(5):
            assert client.post("/auth/request-otp", json={"email": member.user.email}).status_code == 200
            age_codes(member.user.email, minutes=5)
        response = client.post("/auth/request-otp", json={"email": member.user.email})
        assert (response.status_code, response.json()) == (429, TOO_MANY)
        assert 1 <= int(response.headers["Retry-After"]) <= 3600
        age_codes(member.user.email, minutes=40)  # the oldest is now more than an hour old
        assert client.post("/auth/request-otp", json={"email": member.user.email}).status_code == 200

    def test_a_new_code_replaces_the_earlier_one(self, client, member, mail):
        email = member.user.email
        client.post("/auth/request-otp", json={"email": email})
        first = otp_code(mail, email)
        age_codes(email, seconds=31)
        client.post("/auth/request-otp", json={"email": email})
        second = otp_code(mail, email)
        if first != second:
            assert client.post("/auth/login", json={"email": email, "otp": first}).json() == INVALID_OTP
        assert client.post("/auth/login", json={"email": email, "otp": second}).status_code == 200

    @pytest.mark.parametrize("body, messages", [
        pytest.param({}, ["email should not be empty"], id="missing email"),
        pytest.param({"email": "not-an-email"}, ["email must be an email"], id="bad email"),
        pytest.param({"email": 5}, ["email must be a string"], id="number"),
        pytest.param({"email": "a@example.com", "phone": "1"}, ["property phone should not exist"], id="unknown property"),
    ])
    def test_invalid_input(self, client, body, messages):
        response = client.post("/auth/request-otp", json=body)
        assert (response.status_code, response.json()) == (400, invalid(*messages))


class TestLogin:
    def test_exchanges_the_code_for_a_token_and_the_account(self, client, make, mail):
        user = make.user(email="ada@example.com")
        body = sign_in(client, mail, "ADA@example.com")
        assert body == {"accessToken": body["accessToken"], "user": user_json(make.reload(user))}
        claims = jwt.decode(body["accessToken"], JWT_SECRET, algorithms=["HS256"])
        assert {k: claims[k] for k in ("sub", "email", "isAdmin", "isCarrier")} == {
            "sub": str(user.id), "email": "ada@example.com", "isAdmin": False, "isCarrier": False}
        assert claims["exp"] - claims["iat"] == 7 * 24 * 3600
        assert client.get("/auth/me", headers={"Authorization": f"Bearer {body['accessToken']}"}).status_code == 200

    def test_a_code_works_once(self, client, member, mail):
        sign_in(client, mail, member.user.email)
        code = otp_code(mail, member.user.email)
        response = client.post("/auth/login", json={"email": member.user.email, "otp": code})
        assert (response.status_code, response.json()) == (401, INVALID_OTP)

    def test_wrong_code(self, client, member, mail):
        client.post("/auth/request-otp", json={"email": member.user.email})
        wrong = f"{(int(otp_code(mail, member.user.email)) + 1) % 10**6:06d}"
        response = client.post("/auth/login", json={"email": member.user.email, "otp": wrong})
        assert (response.status_code, response.json()) == (401, INVALID_OTP)
        assert codes_for(member.user.email)[0].attempts == 1  # counted, although the answer was 401

    def test_expired_code(self, client, member, mail):
        client.post("/auth/request-otp", json={"email": member.user.email})
        with database.unit_of_work() as uow:
            uow.session.execute(update(OtpCode).values(expires_at=dt.datetime.now(dt.timezone.utc) - dt.timedelta(seconds=1)))
            uow.commit()
        response = client.post("/auth/login", json={"email": member.user.email, "otp": otp_code(mail, member.user.email)})
        assert (response.status_code, response.json()) == (401, error(401, "OTP expired", "Unauthorized"))

    def test_five_wrong_guesses_spend_the_code(self, client, member, mail):
        client.post("/auth/request-otp", json={"email": member.user.email})
        code = otp_code(mail, member.user.email)
        wrong = f"{(int(code) + 1) % 10**6:06d}"
        for _ in range(5):
            assert client.post("/auth/login", json={"email": member.user.email, "otp": wrong}).json() == INVALID_OTP
        response = client.post("/auth/login", json={"email": member.user.email, "otp": code})
        assert (response.status_code, response.json()) == (401, INVALID_OTP)

    @pytest.mark.parametrize("email", ["nobody@example.com", None], ids=["unknown e-mail", "no code requested"])
    def test_nothing_to_check_against(self, client, member, email):
        response = client.post("/auth/login", json={"email": email or member.user.email, "otp": "123456"})
        assert (response.status_code, response.json()) == (401, INVALID_OTP)

    def test_account_suspended_after_the_code_was_sent(self, client, make, member, mail):
        client.post("/auth/request-otp", json={"email": member.user.email})
        make.set_status(member.user, "suspended")
        response = client.post("/auth/login", json={"email": member.user.email, "otp": otp_code(mail, member.user.email)})
        assert (response.status_code, response.json()) == (403, NOT_ACTIVE_403)

    @pytest.mark.parametrize("body, messages", [
        pytest.param({"email": "a@example.com"}, ["otp should not be empty"], id="missing otp"),
        pytest.param({"email": "a@example.com", "otp": "12345"}, ["otp must match ^[0-9]{6}$ regular expression"],
                     id="five digits"),
        pytest.param({"email": "a@example.com", "otp": 123456}, ["otp must be a string"], id="number"),
        pytest.param({"email": "a@example.com", "otp": "123456", "password": "x"},
                     ["property password should not exist"], id="password"),
    ])
    def test_invalid_input(self, client, body, messages):
        response = client.post("/auth/login", json=body)
        assert (response.status_code, response.json()) == (400, invalid(*messages))


@pytest.fixture(scope="module")
def smtp_server():
    """One local SMTP server for the module (aiosmtpd)."""
    with MailCatcher() as catcher:
        yield catcher


class TestOtpOverSmtp:
    """The code travels through a real SMTP server when SMTP is configured."""

    @pytest.fixture
    def smtp(self, invare, smtp_server):
        outbox = PRODUCT.runtime.mailer
        PRODUCT.runtime.mailer = SmtpMailer(host=smtp_server.host, port=smtp_server.port, sender="no-reply@invare.local",
                                            starttls=False)
        smtp_server.clear()
        yield smtp_server
        PRODUCT.runtime.mailer = outbox

    def test_request_and_login(self, client, member, smtp):
        assert client.post("/auth/request-otp", json={"email": member.user.email}).status_code == 200
        message = smtp.latest(member.user.email)
        assert message.subject == "Your Invare sign-in code"
        body = sign_in_with(client, member.user.email, otp_code(smtp, member.user.email))
        assert body["user"]["id"] == member.id


def sign_in_with(client, email, code):
    response = client.post("/auth/login", json={"email": email, "otp": code})
    assert response.status_code == 200, response.text
    return response.json()


def google_sub(email):
    """The Google account id the development fake gives ``email``."""
    return FakeGoogleVerifier().verify(f"fake-google:{email}")["sub"]


class TestLoginGoogle:
    def test_id_token_links_an_account_registered_by_email(self, client, make):
        user = make.user(email="grace@example.com")
        response = client.post("/auth/login/google", json={"idToken": "fake-google:grace@example.com:Grace Hopper"})
        assert response.status_code == 200
        body = response.json()
        assert body["user"] == user_json(make.reload(user), googleId=google_sub("grace@example.com"))
        again = client.post("/auth/login/google", json={"credential": "fake-google:GRACE@example.com",
                                                        "email": "grace@example.com"})
        assert again.json()["user"]["id"] == str(user.id)

    def test_the_original_clients_bare_email_and_google_id(self, client, make):
        user = make.user(email="g@example.com", googleId="sub-2", registerType="google")
        response = client.post("/auth/login/google", json={"email": "g@example.com", "googleId": "sub-2"})
        assert (response.status_code, response.json()["user"]["id"]) == (200, str(user.id))

    def test_bare_google_id_never_links_an_account(self, client, make):
        make.user(email="h@example.com")
        response = client.post("/auth/login/google", json={"email": "h@example.com", "googleId": "sub-3"})
        assert (response.status_code, response.json()) == (401, GOOGLE_INVALID)

    def test_bare_google_id_refused_when_a_client_id_is_configured(self, client, make, monkeypatch):
        make.user(email="i@example.com", googleId="sub-4", registerType="google")
        monkeypatch.setattr(PRODUCT.runtime, "google_config", GoogleIdentityConfig(client_ids=("app.apps",)))
        response = client.post("/auth/login/google", json={"email": "i@example.com", "googleId": "sub-4"})
        assert (response.status_code, response.json()) == (401, GOOGLE_INVALID)

    @pytest.mark.parametrize("body", [
        pytest.param({"idToken": "not-a-token"}, id="bad token"),
        pytest.param({"idToken": "fake-google:j@example.com", "email": "k@example.com"}, id="other e-mail"),
        pytest.param({"idToken": "fake-google:j@example.com", "googleId": "sub-6"}, id="other google id"),
    ])
    def test_refused_tokens(self, client, make, body):
        make.user(email="j@example.com")
        response = client.post("/auth/login/google", json=body)
        assert (response.status_code, response.json()) == (401, GOOGLE_INVALID)

    def test_google_unreachable(self, client, monkeypatch):
        class Down:
            def verify(self, token):
                raise UpstreamFailure("Google sign-in is unavailable right now.")

        monkeypatch.setattr(PRODUCT.runtime, "google", Down())
        response = client.post("/auth/login/google", json={"idToken": "x"})
        assert (response.status_code, response.json()) == (
            502, error(502, "Google sign-in is unavailable right now.", "Bad Gateway"))

    def test_no_such_account(self, client):
        response = client.post("/auth/login/google", json={"idToken": "fake-google:new@example.com"})
        assert (response.status_code, response.json()) == (404, error(404, "User not found", "Not Found"))

    def test_inactive_account(self, client, make):
        user = make.user(email="l@example.com", googleId="sub-8", registerType="google")
        make.set_status(user, "suspended")
        response = client.post("/auth/login/google", json={"email": "l@example.com", "googleId": "sub-8"})
        assert (response.status_code, response.json()) == (403, NOT_ACTIVE_403)

    @pytest.mark.parametrize("body, status, expected", [
        pytest.param({}, 400, invalid("body must have at least 1 properties"), id="empty"),
        pytest.param({"email": "m@example.com"}, 400,
                     error(400, "email and googleId are required without idToken", "Bad Request"), id="email only"),
        pytest.param({"idToken": "x", "otp": "1"}, 400, invalid("property otp should not exist"), id="unknown property"),
    ])
    def test_invalid_input(self, client, body, status, expected):
        response = client.post("/auth/login/google", json=body)
        assert (response.status_code, response.json()) == (status, expected)


class TestRegisterUser:
    def test_registers_and_answers_id_and_email(self, client, make):
        country = make.country("SA")
        response = client.post("/auth/register/user", json={
            "email": " New@Example.com ".strip(), "firstName": "Ada", "lastName": "Lovelace", "countryId": str(country.id)})
        assert response.status_code == 201
        with database.reading() as session:
            user = session.scalars(select(User).where(User.email == "new@example.com")).one()
        assert response.json() == {"id": str(user.id), "email": "new@example.com"}
        assert (user.register_type, user.is_admin, user.is_carrier, user.account_status, user.country_id) == (
            "email", False, False, "active", country.id)

    def test_google_registration_needs_the_google_id(self, client):
        response = client.post("/auth/register/user", json={"email": "n@example.com", "firstName": "A", "lastName": "B",
                                                             "registerType": "google"})
        assert (response.status_code, response.json()) == (
            400, error(400, "googleId is required when registerType is google", "Bad Request"))

    def test_email_taken(self, client, member):
        response = client.post("/auth/register/user", json={"email": member.user.email.upper(), "firstName": "A",
                                                             "lastName": "B"})
        assert (response.status_code, response.json()) == (409, error(409, "Email already exists", "Conflict"))

    def test_unknown_country(self, client):
        response = client.post("/auth/register/user", json={"email": "o@example.com", "firstName": "A", "lastName": "B",
                                                             "countryId": "3fa85f64-5717-4562-b3fc-2c963f66afa6"})
        assert (response.status_code, response.json()) == (404, error(404, "Country not found", "Not Found"))

    @pytest.mark.parametrize("body, messages", [
        pytest.param({"email": "p@example.com", "lastName": "B"}, ["firstName should not be empty"], id="no first name"),
        pytest.param({"email": "p@example.com", "firstName": " ", "lastName": "B"},
                     ["firstName should not be empty"], id="blank first name"),
        pytest.param({"email": "p@example.com", "firstName": "A", "lastName": "B", "registerType": "phone"},
                     ["registerType must be one of the following values: email, google"], id="register type"),
        pytest.param({"email": "p@example.com", "firstName": "A", "lastName": "B", "countryId": "tr"},
                     ["countryId must be a UUID"], id="country id"),
        pytest.param({"email": "p@example.com", "firstName": "A", "lastName": "B", "isAdmin": True},
                     ["property isAdmin should not exist"], id="admin flag"),
    ])
    def test_invalid_input(self, client, body, messages):
        response = client.post("/auth/register/user", json=body)
        assert (response.status_code, response.json()) == (400, invalid(*messages))


def company_json(company, owner, **changes):
    return {"id": str(company.id), "companyName": company.company_name, "vatNumber": company.vat_number,
            "website": company.website, "verificationStatus": company.verification_status,
            "countryId": str(company.country_id) if company.country_id else None,
            "country": None if company.country is None else {
                "id": str(company.country.id), "countryCode": company.country.country_code,
                "countryName": company.country.country_name},
            "owner": {"id": str(owner.id), "email": owner.email, "firstName": owner.first_name, "lastName": owner.last_name},
            "createdAt": company.created_at, "updatedAt": company.updated_at, **changes}


def stored_company(owner_id):
    with database.reading() as session:
        return session.scalars(select(Company).where(Company.owner_id == owner_id)).one()


COMPANY_USER = {"email": "owner@example.com", "firstName": "Ada", "lastName": "Lovelace", "phone": "+966500000000",
                "companyName": "Acme Inc", "vatNumber": "TR1234567", "website": "acme.com"}


class TestRegisterCompanyUser:
    def test_creates_the_owner_and_a_pending_company_and_signs_in(self, client, make):
        user_country, company_country = make.country("SA"), make.country("OM", "Oman")
        response = client.post("/auth/register/company-user", json={
            **COMPANY_USER, "userCountryId": str(user_country.id), "companyCountryId": str(company_country.id)})
        assert response.status_code == 201
        body = response.json()
        user = make.reload(type("U", (), {"id": body["user"]["id"]}))
        company = stored_company(user.id)
        assert body == {"accessToken": body["accessToken"], "user": user_json(user),
                        "company": company_json(company, user, verificationStatus="pending",
                                                createdAt=body["company"]["createdAt"],
                                                updatedAt=body["company"]["updatedAt"])}
        assert (user.country_id, company.country_id) == (user_country.id, company_country.id)
        assert client.get("/auth/me", headers={"Authorization": f"Bearer {body['accessToken']}"}).status_code == 200

    def test_email_taken_creates_nothing(self, client, member):
        response = client.post("/auth/register/company-user", json={**COMPANY_USER, "email": member.user.email})
        assert (response.status_code, response.json()) == (409, error(409, "Email already exists", "Conflict"))
        with database.reading() as session:
            assert session.scalars(select(Company)).all() == []

    def test_missing_company_name(self, client):
        body = {k: v for k, v in COMPANY_USER.items() if k != "companyName"}
        response = client.post("/auth/register/company-user", json=body)
        assert (response.status_code, response.json()) == (400, invalid("companyName should not be empty"))


class TestRegisterCarrierUser:
    def test_creates_a_carrier_and_signs_in(self, client, make):
        response = client.post("/auth/register/carrier-user", json={"email": "carrier@example.com", "firstName": "John",
                                                                    "lastName": "Doe", "phone": "+966500000000"})
        assert response.status_code == 201
        body = response.json()
        user = make.reload(type("U", (), {"id": body["user"]["id"]}))
        assert body == {"accessToken": body["accessToken"], "user": user_json(user, isCarrier=True)}
        claims = jwt.decode(body["accessToken"], JWT_SECRET, algorithms=["HS256"])
        assert (claims["isCarrier"], claims["isAdmin"]) == (True, False)

    def test_email_taken(self, client, member):
        response = client.post("/auth/register/carrier-user", json={"email": member.user.email, "firstName": "J",
                                                                    "lastName": "D"})
        assert (response.status_code, response.json()) == (409, error(409, "Email already exists", "Conflict"))


class TestRegisterCompany:
    def test_creates_a_pending_company_owned_by_the_caller(self, client, member):
        response = client.post("/auth/register/company", headers=member.headers,
                               json={"companyName": "Acme Inc", "vatNumber": "TR1234567", "website": "acme.com"})
        assert response.status_code == 201
        company = stored_company(member.user.id)
        assert response.json() == company_json(company, member.user, verificationStatus="pending",
                                               createdAt=response.json()["createdAt"],
                                               updatedAt=response.json()["updatedAt"])

    def test_needs_a_token(self, client):
        response = client.post("/auth/register/company", json={"companyName": "Acme Inc"})
        assert (response.status_code, response.json()) == (401, UNAUTHORIZED)

    def test_unknown_country(self, client, member):
        response = client.post("/auth/register/company", headers=member.headers,
                               json={"companyName": "Acme", "countryId": "3fa85f64-5717-4562-b3fc-2c963f66afa6"})
        assert (response.status_code, response.json()) == (404, error(404, "Country not found", "Not Found"))


class TestAdminRegisterCompanyUser:
    def test_creates_the_owner_and_a_verified_company_without_a_token(self, client, admin, make):
        response = client.post("/auth/admin/register/company-user", headers=admin.headers, json=COMPANY_USER)
        assert response.status_code == 201
        body = response.json()
        user = make.reload(type("U", (), {"id": body["user"]["id"]}))
        company = stored_company(user.id)
        assert body == {"user": user_json(user), "company": company_json(
            company, user, verificationStatus="verified", createdAt=body["company"]["createdAt"],
            updatedAt=body["company"]["updatedAt"])}

    def test_admins_only(self, client, member, carrier):
        for who in (member, carrier):
            response = client.post("/auth/admin/register/company-user", headers=who.headers, json=COMPANY_USER)
            assert (response.status_code, response.json()) == (403, FORBIDDEN)

    def test_needs_a_token(self, client):
        response = client.post("/auth/admin/register/company-user", json=COMPANY_USER)
        assert (response.status_code, response.json()) == (401, UNAUTHORIZED)


class TestAdminRegisterCarrierUser:
    BODY = {"email": "truck@example.com", "firstName": "John", "lastName": "Doe", "phone": "+966500000000"}

    def test_creates_a_carrier(self, client, admin, make):
        response = client.post("/auth/admin/register/carrier-user", headers=admin.headers, json=self.BODY)
        assert response.status_code == 201
        user = make.reload(type("U", (), {"id": response.json()["id"]}))
        assert response.json() == user_json(user, isCarrier=True)

    def test_admins_only(self, client, carrier):
        response = client.post("/auth/admin/register/carrier-user", headers=carrier.headers, json=self.BODY)
        assert (response.status_code, response.json()) == (403, FORBIDDEN)

    def test_refused_before_the_body_is_read(self, client, member):
        response = client.post("/auth/admin/register/carrier-user", headers=member.headers, json={"bogus": 1})
        assert (response.status_code, response.json()) == (403, FORBIDDEN)

    def test_needs_a_token(self, client):
        response = client.post("/auth/admin/register/carrier-user", json=self.BODY)
        assert (response.status_code, response.json()) == (401, UNAUTHORIZED)


class TestGetMe:
    def test_the_signed_in_account(self, client, make, member):
        response = client.get("/auth/me", headers=member.headers)
        assert (response.status_code, response.json()) == (200, {"user": user_json(make.reload(member.user))})

    @pytest.mark.parametrize("headers", [
        pytest.param({}, id="no token"),
        pytest.param({"Authorization": "Bearer not-a-jwt"}, id="malformed"),
        pytest.param({"Authorization": "Bearer " + jwt.encode({"sub": "x", "iat": 1, "exp": 2}, JWT_SECRET)}, id="expired"),
        pytest.param({"Authorization": "Bearer " + jwt.encode(
            {"sub": "3fa85f64-5717-4562-b3fc-2c963f66afa6", "iat": 1, "exp": 4102444800}, "another-secret-" + "y" * 40)},
            id="wrong signature"),
    ])
    def test_bad_tokens(self, client, headers):
        response = client.get("/auth/me", headers=headers)
        assert (response.status_code, response.json()) == (401, UNAUTHORIZED)

    def test_token_of_an_account_that_no_longer_exists(self, client, make):
        ghost = make.member()
        with database.unit_of_work() as uow:
            uow.session.delete(uow.session.get(User, ghost.user.id))
            uow.commit()
        response = client.get("/auth/me", headers=ghost.headers)
        assert (response.status_code, response.json()) == (401, UNAUTHORIZED)

    @pytest.mark.parametrize("status", ["suspended", "deleted"])
    def test_inactive_accounts_are_refused_everywhere(self, client, make, member, status):
        make.set_status(member.user, status)
        response = client.get("/auth/me", headers=member.headers)
        assert (response.status_code, response.json()) == (401, NOT_ACTIVE_401)

    def test_roles_are_read_from_the_account_not_the_token(self, client, make, admin):
        with database.unit_of_work() as uow:
            uow.session.get(User, admin.user.id).is_admin = False
            uow.commit()
        response = client.post("/auth/admin/register/carrier-user", headers=admin.headers,
                               json=TestAdminRegisterCarrierUser.BODY)
        assert (response.status_code, response.json()) == (403, FORBIDDEN)
