"""The English catalogue is not stale: every text the code marks for translation is in
locale/en/LC_MESSAGES/django.po (tests/test_frontend.py checks that each entry there is
translated and not fuzzy).

The test runs `make messages`' makemessages into a copy of the locale directory: the
source tree is linked into a temporary directory beside that copy, so the real catalogue
is never written. It needs GNU gettext (xgettext, msgmerge); without it the test skips,
unless IMPOR_REQUIRE_GETTEXT is set (as CI does), then it fails.
"""

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from tests.system import required

ROOT = Path(settings.BASE_DIR)
CATALOGUE = Path("LC_MESSAGES") / "django.po"
#: What `make messages` leaves out (its --ignore), besides hidden directories.
IGNORED = {"frontend", "staticfiles", "locale"}
GETTEXT = ("xgettext", "msgmerge", "msguniq", "msgfmt")


def msgids(path: Path) -> set[str]:
    """The msgids (and plural msgids) of a .po file, without the header's empty one;
    an msgid with a context is ``context\\x04msgid``, as gettext keys it."""
    ids = set()
    entry: dict[str, str] = {}
    key = ""
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        if line.startswith("#~"):
            continue
        found = re.match(r"^(msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?) (\".*\")$", line)
        if found:
            key = found.group(1)
            entry[key] = json.loads(found.group(2))
        elif line.startswith('"') and key:
            entry[key] += json.loads(line)
        elif not line.strip():
            if entry.get("msgid"):
                prefix = entry["msgctxt"] + "\x04" if "msgctxt" in entry else ""
                ids.add(prefix + entry["msgid"])
                if "msgid_plural" in entry:
                    ids.add(prefix + entry["msgid_plural"])
            entry, key = {}, ""
    return ids


def test_msgids_reads_plurals_contexts_and_continued_lines(tmp_path):
    po = tmp_path / "x.po"
    po.write_text(
        'msgid ""\nmsgstr "header"\n\nmsgid "een"\n"regel"\nmsgstr ""\n\n'
        'msgctxt "maand"\nmsgid "mei"\nmsgstr "May"\n\n'
        'msgid "%(n)s werk"\nmsgid_plural "%(n)s werken"\nmsgstr[0] ""\nmsgstr[1] ""\n\n'
        '#~ msgid "oud"\n#~ msgstr "old"\n',
        encoding="utf-8",
    )
    assert msgids(po) == {"eenregel", "maand\x04mei", "%(n)s werk", "%(n)s werken"}


def test_every_text_marked_in_the_code_is_in_the_english_catalogue(tmp_path):
    missing = [tool for tool in GETTEXT if shutil.which(tool) is None]
    if missing:
        reason = f"GNU gettext is not installed ({', '.join(missing)}; apt-get install gettext)"
        if required("IMPOR_REQUIRE_GETTEXT"):
            pytest.fail(f"IMPOR_REQUIRE_GETTEXT is set but {reason}")
        pytest.skip(reason)
    for entry in ROOT.iterdir():
        if entry.name.startswith(".") or entry.name in IGNORED:
            continue
        (tmp_path / entry.name).symlink_to(entry)
    shutil.copytree(ROOT / "locale", tmp_path / "locale")
    subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "makemessages", "-l", "en", "--symlinks",
         "--no-obsolete", "--ignore=frontend", "--ignore=staticfiles", "--verbosity=0"],
        cwd=tmp_path,
        env={**os.environ, "DEBUG": "true"},
        check=True,
        capture_output=True,
    )  # fmt: skip
    in_code = msgids(tmp_path / "locale" / "en" / CATALOGUE)
    in_catalogue = msgids(ROOT / "locale" / "en" / CATALOGUE)
    assert sorted(in_code - in_catalogue) == [], "run make messages and translate the new texts"
