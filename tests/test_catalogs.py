"""Every interface string in the source has a Russian and a Kazakh translation."""

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")
KEYWORDS = {
    "_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None,
    "pgettext": ((1, "c"), 2),
}


def source_messages() -> set[tuple[str, str | None]]:
    """(msgid, context) of every string the source marks for translation."""
    with open(ROOT / "babel.cfg") as config:
        method_map, options_map = parse_mapping_cfg(config)
    found = set()
    for _file, _line, message, _comments, context in extract_from_dir(
        ROOT, method_map, options_map, keywords=KEYWORDS
    ):
        found.add((message[0] if isinstance(message, tuple) else message, context))
    return found


@pytest.fixture(scope="module")
def messages() -> set[tuple[str, str | None]]:
    return source_messages()


@pytest.mark.parametrize("language", ["ru", "kk"])
def test_every_string_is_translated(messages, language):
    path = ROOT / "casework" / "translations" / language / "LC_MESSAGES" / "messages.po"
    with open(path, "rb") as po:
        catalog = read_po(po, locale=language)
    missing = []
    for msgid, context in sorted(messages, key=lambda m: (m[0], m[1] or "")):
        entry = catalog.get(msgid, context=context)
        strings = entry.string if entry and isinstance(entry.string, tuple) else (
            (entry.string,) if entry else ())
        if entry is None or entry.fuzzy or not strings or not all(strings):
            missing.append(msgid)
            continue
        for text in strings:
            assert set(PLACEHOLDER.findall(text)) <= set(PLACEHOLDER.findall(msgid)) | {
                "%(num)d"}, (msgid, text)
    assert not missing, f"{len(missing)} untranslated in {language}: run `make translations`"
