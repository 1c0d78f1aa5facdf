"""Sign-in by e-mailed code or Google, registration, the signed-in account."""
from handlers.invare.schemas import company_out, user_out
from integrations.google_identity import GoogleTokenInvalid
from models.errors import InvalidInput, Unauthorized
from models.invare import companies, database, otp, users
from server.products.invare import bare_google_ids_allowed, google, issue_token, otp_policy, send_mail


def request_otp(body):
    policy = otp_policy()
    with database.unit_of_work() as uow:
        user, code = otp.request_code(uow.session, email=body["email"], policy=policy)
        uow.commit()
    minutes = int(policy.ttl.total_seconds() // 60)
    send_mail(to=user.email, subject="Your Invare sign-in code",
              text=f"Hello {user.first_name or ''},\n\nYour Invare sign-in code is {code}.\n"
                   f"It expires in {minutes} minutes and works once.\n\n"
                   "If you did not ask for it, ignore this message.\n")
    return {"success": True}, 200


def login(body):
    with database.unit_of_work() as uow:
        outcome = otp.redeem(uow.session, email=body["email"], code=body["otp"], policy=otp_policy())
        answer = signed_in(outcome.user) if outcome.user is not None else None
        uow.commit()  # a wrong guess is counted even though the answer is 401
    outcome.user_or_raise()
    return answer, 200


def login_google(body):
    email, google_id, verified = _google_identity(body)  # a network call: before the transaction
    with database.unit_of_work() as uow:
        user = users.sign_in_with_google(uow.session, email=email, google_id=google_id, verified=verified)
        answer = signed_in(user)
        uow.commit()
    return answer, 200


def register_user(body):
    with database.unit_of_work() as uow:
        user = users.create_user(uow.session, data=body)
        answer = {"id": str(user.id), "email": user.email}
        uow.commit()
    return answer, 201


def register_company_user(body):
    with database.unit_of_work() as uow:
        user, company = _user_with_company(uow.session, body, verified=False)
        answer = {**signed_in(user), "company": company_out(company)}
        uow.commit()
    return answer, 201


def register_carrier_user(body):
    with database.unit_of_work() as uow:
        user = users.create_user(uow.session, data=body, is_carrier=True)
        answer = signed_in(user)
        uow.commit()
    return answer, 201


def register_company(body, user):
    with database.unit_of_work() as uow:
        owner = users.get_user(uow.session, user)
        company = companies.create_company(uow.session, owner=owner, data=body)
        answer = company_out(company)
        uow.commit()
    return answer, 201


def admin_register_company_user(body):
    with database.unit_of_work() as uow:
        user, company = _user_with_company(uow.session, body, verified=True)
        answer = {"user": user_out(user), "company": company_out(company)}
        uow.commit()
    return answer, 201


def admin_register_carrier_user(body):
    with database.unit_of_work() as uow:
        user = users.create_user(uow.session, data=body, is_carrier=True)
        answer = user_out(user)
        uow.commit()
    return answer, 201


def get_me(user):
    with database.reading() as session:
        return {"user": user_out(users.get_user(session, user))}, 200


def signed_in(user):
    """What every sign-in answers: a 7-day token and the account."""
    return {"accessToken": issue_token(user), "user": user_out(user)}


def _user_with_company(session, body, *, verified):
    """A company owner (``userCountryId`` is theirs) and their company (``companyCountryId``)."""
    user = users.create_user(session, data={**body, "countryId": body.get("userCountryId")})
    company = companies.create_company(session, owner=user, data=body, verified=verified,
                                       country_field="companyCountryId")
    return user, company


def _google_identity(body):
    """``(email, googleId, verified)`` from a Google ID token, or, without one, the original client's
    bare ``{email, googleId}`` where that is allowed (no client id configured, not production).
    ``verified``: the token vouches for the e-mail, so an account registered by e-mail may be linked."""
    token = body.get("idToken") or body.get("credential")
    if token:
        try:
            identity = google().verify(token)  # Google's certificates unreachable: UpstreamFailure (502/503)
        except GoogleTokenInvalid:
            raise Unauthorized(users.GOOGLE_INVALID) from None
        if body.get("googleId") not in (None, identity["sub"]) or (
                body.get("email") and users.normalize_email(body["email"]) != users.normalize_email(identity["email"])):
            raise Unauthorized(users.GOOGLE_INVALID)
        return identity["email"], identity["sub"], bool(identity.get("email_verified"))
    if not bare_google_ids_allowed():
        raise Unauthorized(users.GOOGLE_INVALID)
    if not body.get("email") or not body.get("googleId"):
        raise InvalidInput("email and googleId are required without idToken", field="googleId")
    return body["email"], body["googleId"], False
