"""Vietnamese first, English second: every interface string has its English translation."""

from cabinet.i18n import english_catalog, missing_translations, source_messages


def test_every_string_has_an_english_translation():
    missing = missing_translations()
    listing = "\n".join(
        f"  {where}: {msgid!r}" for msgid, where in sorted(missing.items(), key=lambda kv: kv[1])
    )
    assert not missing, (
        f"{len(missing)} strings have no English translation (python scripts/i18n-missing.py):\n{listing}"
    )


def test_translations_keep_their_placeholders():
    import re

    english = english_catalog()
    for msgid in source_messages():
        if msgid in english:
            assert sorted(re.findall(r"%\(\w+\)s", msgid)) == sorted(
                re.findall(r"%\(\w+\)s", english[msgid])
            ), msgid
