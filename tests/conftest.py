import pytest

from tests.constraints import ConstraintRules


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """PBKDF2 at production strength costs ~0.3 s per user; tests do not need that."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_shared_area_names():
    """Forget the per-process cache of area names used at two levels before each test: a
    test's areas are rolled back with it, and areas made with bulk_create (the demo) send
    no signal, so a name shared in one test must not add "(kern)" to the next one's."""
    from impor import models

    models._shared_names = None


@pytest.fixture(autouse=True)
def _empty_cache():
    """Start every test with an empty cache: what one test kept (an OGC collection's
    extent per user id) would otherwise answer for the next test's rows, which are rolled
    back and made again under the same ids."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _dutch_unless_asked():
    """Start every test in the site's language (Dutch). A request in English leaves English
    active in the thread (LocaleMiddleware activates, nothing deactivates), so without this
    a test's messages depend on which test ran before it on the same worker."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


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
