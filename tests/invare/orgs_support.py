"""Expected bodies for the companies, addresses, countries and localization tests, spelled out field by field."""
from handlers.fields import iso_z
from models.invare import companies, database

MISSING_ID = "3fa85f64-5717-4562-b3fc-2c963f66afa6"


def country_ref(country):
    return None if country is None else {"id": str(country.id), "countryCode": country.country_code,
                                         "countryName": country.country_name}


def reload_company(company_id):
    with database.reading() as session:
        return companies.get_company(session, company_id)


def company_json(company, **changes):
    company = reload_company(company.id)
    owner = company.owner
    body = {
        "id": str(company.id), "companyName": company.company_name, "vatNumber": company.vat_number,
        "website": company.website, "verificationStatus": company.verification_status,
        "countryId": str(company.country_id) if company.country_id else None, "country": country_ref(company.country),
        "owner": {"id": str(owner.id), "email": owner.email, "firstName": owner.first_name, "lastName": owner.last_name},
        "createdAt": iso_z(company.created_at), "updatedAt": iso_z(company.updated_at),
    }
    body.update(changes)
    return body


def stamps(body):
    """The server-made parts of a body (id and timestamps), for comparing the rest exactly."""
    return {k: body[k] for k in ("id", "createdAt", "updatedAt") if k in body}
