import pytest

from tests.looking.conftest import Factory


@pytest.fixture
def looking(product_under_test):
    put = product_under_test("looking")
    put.begin()
    yield put
    put.end()


@pytest.fixture
def client(looking):
    return looking.client()


@pytest.fixture
def make(looking):
    return Factory()
