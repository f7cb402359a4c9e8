"""Vietnamese first, English second: locale selection and catalogs compiled from the .po files.

Source strings are Vietnamese; each package keeps English in `<pkg>/translations/en/`.
The .mo files are build products, compiled here at start-up when a .po is newer.
"""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_file
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import has_app_context, has_request_context, session
from flask_login import current_user

from cabinet.config import ROOT, settings

LOCALES = ("vi", "en")


def translation_dirs() -> list[str]:
    """Every `translations` folder of the project's packages."""
    dirs = [
        p
        for p in sorted(ROOT.glob("*/translations")) + sorted(ROOT.glob("*/*/translations"))
        if p.is_dir()
    ]
    return [str(d) for d in dirs if ".venv" not in d.parts and "node_modules" not in d.parts]


def compile_catalogs() -> None:
    """Compile every messages.po whose .mo is missing or older."""
    for folder in translation_dirs():
        for po in Path(folder).glob("*/LC_MESSAGES/messages.po"):
            mo = po.with_suffix(".mo")
            if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
                continue
            with po.open("rb") as handle:
                catalog = read_po(handle, locale=po.parent.parent.name)
            tmp = mo.with_suffix(".mo.tmp")
            with tmp.open("wb") as handle:
                write_mo(handle, catalog)
            tmp.replace(mo)


def select_locale() -> str:
    """The person's chosen locale, else the session's, else the configured default (vi)."""
    if not has_request_context():
        return settings().locale if has_app_context() else "vi"
    if current_user and current_user.is_authenticated and current_user.locale in LOCALES:
        return current_user.locale
    chosen = session.get("locale")
    if chosen in LOCALES:
        return chosen
    return settings().locale


KEYWORDS = {
    "_": None,
    "_l": None,
    "gettext": None,
    "lazy_gettext": None,
    "ngettext": (1, 2),
    "lazy_ngettext": (1, 2),
}
SOURCE_PACKAGES = ("cabinet", "meetings", "voting")


def source_messages() -> dict[str, str]:
    """Every translatable msgid in the project's Python and templates, with where it first appears."""
    found: dict[str, str] = {}
    files = [p for pkg in SOURCE_PACKAGES for p in sorted((ROOT / pkg).rglob("*.py"))]
    files += sorted((ROOT / "templates").rglob("*.html"))
    for path in files:
        is_template = path.suffix == ".html"
        method = "jinja2.ext:babel_extract" if is_template else "python"
        options = {"extensions": "jinja2.ext.i18n"} if is_template else {}
        for lineno, message, _comments, _context in extract_from_file(
            method, str(path), keywords=KEYWORDS, options=options
        ):
            msgid = message if isinstance(message, str) else message[0]
            found.setdefault(msgid, f"{path.relative_to(ROOT)}:{lineno}")
    return found


def english_catalog() -> dict[str, str]:
    """msgid → English, merged from every package's catalog."""
    merged: dict[str, str] = {}
    for folder in translation_dirs():
        po = Path(folder) / "en" / "LC_MESSAGES" / "messages.po"
        if po.exists():
            with po.open("rb") as handle:
                for message in read_po(handle, locale="en"):
                    if message.id and message.string:
                        key = message.id if isinstance(message.id, str) else message.id[0]
                        merged[key] = (
                            message.string if isinstance(message.string, str) else message.string[0]
                        )
    return merged


def missing_translations() -> dict[str, str]:
    """msgids used in the source that have no English translation, with their location."""
    english = english_catalog()
    return {msgid: where for msgid, where in source_messages().items() if msgid not in english}
