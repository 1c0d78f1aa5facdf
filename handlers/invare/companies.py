"""Companies: each user their own (``/companies/me``), administrators all."""
from handlers.invare.schemas import company_out, user_out
from models.invare import companies, database
from models.invare.callers import Caller
from models.invare.paging import DEFAULT_LIMIT


def create_company(body, token_info):
    with database.unit_of_work() as uow:
        answer = company_out(companies.add_company(uow.session, caller=Caller.of(token_info), data=body))
        uow.commit()
    return answer, 201


def admin_create_company_and_user(body):
    with database.unit_of_work() as uow:
        user, company = companies.create_company_and_owner(uow.session, data=body)
        answer = {"user": user_out(user), "company": company_out(company)}
        uow.commit()
    return answer, 201


def list_companies(token_info, page=1, limit=DEFAULT_LIMIT, search=None, verificationStatus=None):
    with database.reading() as session:
        found = companies.list_companies(session, caller=Caller.of(token_info), page=page, limit=limit,
                                         search=search, verification_status=verificationStatus)
        return company_out.many(found), 200


def my_companies(user, page=1, limit=DEFAULT_LIMIT):
    with database.reading() as session:
        return company_out.many(companies.owned_companies(session, user, page=page, limit=limit)), 200


def get_company(id, token_info):
    with database.reading() as session:
        return company_out(companies.manageable_company(session, caller=Caller.of(token_info), company_id=id)), 200


def update_company(id, body, token_info):
    with database.unit_of_work() as uow:
        company = companies.update_company(uow.session, caller=Caller.of(token_info), company_id=id, changes=body)
        answer = company_out(company)
        uow.commit()
    return answer, 200


def delete_company(id, token_info):
    with database.unit_of_work() as uow:
        companies.delete_company(uow.session, caller=Caller.of(token_info), company_id=id)
        uow.commit()
    return {"success": True, "messageKey": "messages.company_deleted"}, 200
