"""Which system components CI demands (see .ci/run): a missing one fails instead of skipping."""

import os


def required(variable: str) -> bool:
    """True when `variable` (e.g. IMPOR_REQUIRE_POSTGRES) is set to a true value."""
    return os.environ.get(variable, "") not in ("", "0", "false")
