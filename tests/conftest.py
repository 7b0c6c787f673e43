import os

import pytest


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """PBKDF2 at production strength costs ~0.3 s per user; tests do not need that."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def required(variable: str) -> bool:
    """True when CI demands a system component, so a missing one fails instead of skipping."""
    return os.environ.get(variable, "") not in ("", "0", "false")
