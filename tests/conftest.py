import pytest

from tests.constraints import ConstraintRules


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """PBKDF2 at production strength costs ~0.3 s per user; tests do not need that."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def pytest_generate_tests(metafunc):
    """Parametrise the ConstraintRules tests with the tables of the class that runs them."""
    cls = metafunc.cls
    if cls is None or not issubclass(cls, ConstraintRules):
        return
    names = set(metafunc.fixturenames)
    if "bad" in names:
        metafunc.parametrize(("make", "bad", "constraint", "key", "message"), cls.checks)
    elif "fields" in names:
        metafunc.parametrize(("make", "fields", "key", "message"), cls.uniques)
    elif "make" in names:
        metafunc.parametrize("make", cls.good_rows)
