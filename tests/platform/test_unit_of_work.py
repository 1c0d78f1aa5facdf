"""The unit of work commits only when told to, and always rolls back otherwise."""
import pytest
from sqlalchemy import func, select

from models.looking import database, users
from models.looking.entities import User
from models.session import Database


def count_users():
    with database.unit_of_work() as uow:
        return uow.session.scalar(select(func.count()).select_from(User))


class TestUnitOfWork:
    def test_commit_persists(self, looking):
        with database.unit_of_work() as uow:
            users.create_user(uow.session, username="kept", password="password123")
            uow.commit()
        assert count_users() == 1

    def test_leaving_without_commit_rolls_back(self, looking):
        with database.unit_of_work() as uow:
            users.create_user(uow.session, username="dropped", password="password123")
        assert count_users() == 0

    def test_exception_rolls_back_and_propagates(self, looking):
        with pytest.raises(RuntimeError):
            with database.unit_of_work() as uow:
                users.create_user(uow.session, username="dropped", password="password123")
                uow.session.flush()
                raise RuntimeError("boom")
        assert count_users() == 0

    def test_session_is_closed_afterwards(self, looking):
        with database.unit_of_work() as uow:
            session = uow.session
            users.create_user(session, username="x", password="password123")
        assert not session.in_transaction()
        assert list(session) == []

    def test_unbound_database_refuses(self):
        with pytest.raises(RuntimeError, match="not bound"):
            with Database("nothing").unit_of_work():
                pass
