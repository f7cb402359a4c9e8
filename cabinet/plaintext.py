"""Plain text for records: whatever reaches a signed record is text, never markup.

Texts come from several places (the ballot conclusion and comments are sanitized HTML, the
minutes editor sends text, a person may paste markup anywhere). A record is a legal document and
its JSON and Akoma Ntoso twins are machine-read, so every text is converted once, where it
enters the record: block elements become paragraphs (separated by a blank line), inline markup
is dropped, entities are decoded, whitespace is normalised.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from typing import Any

import nh3

#: Elements that end a paragraph (or a line, for ``br``/``li``).
_BLOCKS = frozenset(
    {"p", "div", "blockquote", "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "br"}
)
_TAG = re.compile(r"<\s*/?\s*[A-Za-z!?]")
_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")
PARAGRAPH_BREAK = "\n\n"


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCKS:
            self.parts.append("\n")
        if tag == "li":
            self.parts.append("- ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def paragraphs(value: str | None) -> list[str]:
    """The paragraphs of a text that may carry HTML: plain, trimmed, non-empty."""
    value = value or ""
    if _TAG.search(value) or "&" in value:
        # nh3 first: it drops scripts, styles and comments with their content and repairs the
        # markup, so the small parser below sees well-formed, harmless input.
        cleaned = nh3.clean(
            value, tags=set(_BLOCKS), attributes={}, clean_content_tags={"script", "style"}
        )
        collector = _TextCollector()
        collector.feed(cleaned)
        collector.close()
        value = html.unescape("".join(collector.parts))
    lines = (_SPACES.sub(" ", line).strip() for line in value.replace("\r\n", "\n").split("\n"))
    result: list[str] = []
    blank = True
    for line in lines:
        if not line:
            blank = True
        elif blank or not result:
            result.append(line)
            blank = False
        else:
            result[-1] = f"{result[-1]}\n{line}"
    return result


def plain_text(value: str | None) -> str:
    """A text reduced to plain paragraphs separated by a blank line (no markup, no entities)."""
    return PARAGRAPH_BREAK.join(paragraphs(value))


def plain_tree(value: Any) -> Any:
    """``plain_text`` applied to every string of a JSON-like structure (dicts, lists)."""
    if isinstance(value, str):
        return plain_text(value) if _TAG.search(value) or "&" in value else value
    if isinstance(value, dict):
        return {k: plain_tree(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain_tree(v) for v in value]
    return value
