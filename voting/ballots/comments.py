"""Comments as members and the secretariat write them: limited formatting, sanitized on the way in."""

from __future__ import annotations

from html.parser import HTMLParser

import nh3

#: The limited formatting a comment may carry: no links, no images, no attributes at all.
COMMENT_TAGS = frozenset({"p", "br", "b", "strong", "i", "em", "u", "ul", "ol", "li", "blockquote"})
COMMENT_MAX_CHARS = 20_000


def sanitize_comment(html: str | None) -> str:
    """A comment reduced to safe limited formatting (no script, no images, no attributes)."""
    cleaned = nh3.clean(
        (html or "")[:COMMENT_MAX_CHARS],
        tags=set(COMMENT_TAGS),
        attributes={},
        clean_content_tags={"script", "style"},
        link_rel=None,
        strip_comments=True,
    )
    return cleaned.strip()


#: Markup an editor produces for plain line breaks and paragraphs: dropped without losing anything.
HARMLESS_TAGS = frozenset({"div", "span"})


class _Inspector(HTMLParser):
    """Collects the visible text and notes any tag or attribute the comment may not carry."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.refused = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if attrs or (tag not in COMMENT_TAGS and tag not in HARMLESS_TAGS):
            self.refused = True

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def comment_lost_something(html: str | None) -> bool:
    """True when sanitizing the comment removed something the member wrote: a script or style
    and its content, an image, a link, an attribute, a tag the whitelist does not carry."""
    if not html or "<" not in html:
        return False
    inspector = _Inspector()
    inspector.feed(html)
    inspector.close()
    return inspector.refused or len(html) > COMMENT_MAX_CHARS


def comment_text(html: str | None) -> str:
    """The visible text of a comment (to test whether anything was written)."""
    return nh3.clean(html or "", tags=set(), clean_content_tags={"script", "style"}).strip()
