"""The import_assets command: who it imports as."""

import pytest
from django.core.management import CommandError, call_command

from assets.models import Asset
from impor.models import ImportRun

pytestmark = pytest.mark.django_db


def test_an_unknown_user_stops_the_command_and_is_named(tmp_path):
    """Running as nobody would drop the user's discipline limit, so a typo must stop."""
    path = tmp_path / "riool.csv"
    path.write_text("id;objecttype;aanlegjaar;x;y\nR1;riool-beton;1965;214100;502500\n")

    with pytest.raises(CommandError, match="'jansen_typo'"):
        call_command(
            "import_assets", str(path), "--source", "gbi", "--user", "jansen_typo", "--commit"
        )

    assert not ImportRun.objects.exists()
    assert not Asset.objects.exists()
