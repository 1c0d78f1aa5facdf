"""Wallet points: administrators credit a user's points (an addition to the reference; every credit is a
ledger row naming the administrator)."""
from handlers.invare.schemas import user_out
from models.invare import database, wallet
from models.invare.callers import Caller


def credit(body, token_info):
    caller = Caller.of(token_info)
    with database.unit_of_work() as uow:
        user = wallet.credit(uow.session, user_id=body["userId"], points=body["points"], actor_id=caller.id,
                             note=body.get("note"))
        answer = user_out(user)
        uow.commit()
    return answer, 200
