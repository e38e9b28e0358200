"""Indonesian first, English complete: every string in the code is in both catalogues,
every Indonesian entry is translated, and the compiled catalogues match their sources."""

import ast
import gettext
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.services import missing

ROOT = Path(__file__).resolve().parents[2]
LANGUAGES = ("id", "en")


def parse_po(path: Path) -> dict[str, tuple[str, bool]]:
    """msgid -> (first msgstr, fuzzy) for every entry but the header."""
    entries, current, fuzzy, field = {}, {}, False, None

    def flush():
        nonlocal current, fuzzy
        if current.get("msgid"):
            entries[current["msgid"]] = (current.get("msgstr", ""), fuzzy)
        current, fuzzy = {}, False

    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        if not line.strip():
            flush()
        elif line.startswith("#,"):
            fuzzy = "fuzzy" in line
        elif line.startswith("#"):
            continue
        elif line.startswith(("msgid ", "msgid_plural ", "msgstr ", "msgstr[0] ", "msgstr[")):
            keyword, value = line.split(" ", 1)
            field = {"msgid": "msgid", "msgstr": "msgstr", "msgstr[0]": "msgstr"}.get(keyword)
            if field:
                current[field] = ast.literal_eval(value)
        elif line.startswith('"') and field:
            current[field] += ast.literal_eval(line)
    return entries


def need_gettext():
    if not (shutil.which("msgfmt") and shutil.which("xgettext")):
        missing("GNU gettext (msgfmt, xgettext) is not installed")


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    """The strings makemessages finds in the code today, from a scratch copy of the tree."""
    need_gettext()
    copy = tmp_path_factory.mktemp("tree")
    shutil.copytree(
        ROOT,
        copy,
        dirs_exist_ok=True,
        ignore=shutil.ignore_patterns(
            ".venv", "var", ".git", "tests", "locale", "__pycache__", "node_modules", "bench"
        ),
    )
    (copy / "locale").mkdir()
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "--locale", "id", "--ignore", "var/*"],
        cwd=copy,
        check=True,
        capture_output=True,
        env={"PATH": "/usr/bin:/bin", "VAR_DIR": str(copy / "var")},
    )
    return parse_po(copy / "locale" / "id" / "LC_MESSAGES" / "django.po")


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_string_in_the_code_is_in_the_catalogue(extracted, language):
    catalogue = parse_po(ROOT / "locale" / language / "LC_MESSAGES" / "django.po")

    absent = sorted(set(extracted) - set(catalogue))
    assert not absent, f"run `make messages` and translate: {absent[:10]}"


def test_every_indonesian_entry_is_translated_and_not_fuzzy():
    catalogue = parse_po(ROOT / "locale" / "id" / "LC_MESSAGES" / "django.po")

    untranslated = [msgid for msgid, (msgstr, fuzzy) in catalogue.items() if not msgstr or fuzzy]
    assert catalogue
    assert not untranslated, untranslated[:10]


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_compiled_catalogue_matches_its_source(tmp_path, language):
    need_gettext()
    source = ROOT / "locale" / language / "LC_MESSAGES" / "django.po"
    fresh = tmp_path / "fresh.mo"
    subprocess.run(["msgfmt", "--check", "-o", str(fresh), str(source)], check=True)

    with fresh.open("rb") as f1, (source.with_suffix(".mo")).open("rb") as f2:
        assert gettext.GNUTranslations(f1)._catalog == gettext.GNUTranslations(f2)._catalog, (
            "run `make messages` to recompile"
        )
