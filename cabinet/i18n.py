"""Vietnamese first, English second: locale selection and catalogs compiled from the .po files.

Source strings are Vietnamese; each package keeps English in `<pkg>/translations/en/`.
The .mo files are build products, compiled here at start-up when a .po is newer.
"""

from __future__ import annotations

from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import request, session
from flask_login import current_user

from cabinet.config import ROOT, settings

LOCALES = ("vi", "en")


def translation_dirs() -> list[str]:
    """Every `translations` folder of the project's packages."""
    dirs = [p for p in sorted(ROOT.glob("*/translations")) + sorted(ROOT.glob("*/*/translations")) if p.is_dir()]
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
    if current_user and current_user.is_authenticated and current_user.locale in LOCALES:
        return current_user.locale
    chosen = session.get("locale")
    if chosen in LOCALES:
        return chosen
    return settings().locale if request else "vi"
