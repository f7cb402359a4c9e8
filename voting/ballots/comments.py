"""Comments as members and the secretariat write them: limited formatting, sanitized on the way in."""

from __future__ import annotations

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


def comment_text(html: str | None) -> str:
    """The visible text of a comment (to test whether anything was written)."""
    return nh3.clean(html or "", tags=set(), clean_content_tags={"script", "style"}).strip()
