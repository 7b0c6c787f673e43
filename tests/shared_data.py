"""Real data that tests read from ../shared/data (see its README), never copied into the repo.

A fresh clone has no ../shared, so a test that needs it skips; CI sets
IMPOR_REQUIRE_SHARED_DATA=1 so that missing data fails instead of silently skipping.
"""

from pathlib import Path

import pytest

from tests.system import required

SHARED_DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data"


def shared_data(path: str | Path) -> Path:
    """The file or folder at `path` under ../shared/data; skip or fail the test when absent."""
    full = SHARED_DATA / path
    if not full.exists():
        reason = f"real test data {full} is absent (it lives outside the repository)"
        if required("IMPOR_REQUIRE_SHARED_DATA"):
            pytest.fail(f"{reason} and IMPOR_REQUIRE_SHARED_DATA is set")
        pytest.skip(reason)
    return full
