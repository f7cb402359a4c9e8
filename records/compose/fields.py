"""The editable texts of the minutes, by path ("items.2.speakers.0.summary"), their labels for
people, and the field-level changes between two versions."""

from __future__ import annotations

import copy
from typing import Any

from flask_babel import gettext

from records.compose.text import plain_text

#: The editable fields of the minutes, as paths into the content.
EDITABLE_TOP = ("opening", "closing")


def editable_fields(content: dict[str, Any]) -> dict[str, str]:
    """Every editable text of the minutes by path ('items.2.speakers.0.summary' ...)."""
    fields = {name: content.get(name, "") for name in EDITABLE_TOP}
    for i, item in enumerate(content["items"]):
        for j, speaker in enumerate(item["speakers"]):
            fields[f"items.{i}.speakers.{j}.summary"] = speaker.get("summary", "")
        fields[f"items.{i}.conclusion"] = item.get("conclusion", "")
        fields[f"items.{i}.decision"] = item.get("decision", "")
    return fields


def field_label(content: dict[str, Any], path: str) -> str:
    """A person-readable name of a field, in the reader's language: 'Mục 2 — Kết luận của chủ tọa'."""
    parts = path.split(".")
    if parts[0] == "opening":
        return gettext("Phần mở đầu")
    if parts[0] == "closing":
        return gettext("Phần kết thúc")
    item = content["items"][int(parts[1])]
    n = item["position"]
    if parts[2] == "speakers":
        speaker = item["speakers"][int(parts[3])]
        return gettext("Mục %(n)s — Ý kiến của %(name)s", n=n, name=speaker["name"])
    if parts[2] == "conclusion":
        return gettext("Mục %(n)s — Kết luận của chủ tọa", n=n)
    return gettext("Mục %(n)s — Quyết định", n=n)


def apply_fields(content: dict[str, Any], values: dict[str, str]) -> dict[str, Any]:
    """A copy of ``content`` with the given editable fields set (unknown paths are refused)."""
    allowed = editable_fields(content)
    unknown = sorted(set(values) - set(allowed))
    if unknown:
        raise KeyError(unknown)
    result = copy.deepcopy(content)
    for path, raw in values.items():
        value = plain_text(raw)  # the record keeps text, never markup
        parts = path.split(".")
        if len(parts) == 1:
            result[parts[0]] = value
        elif parts[2] == "speakers":
            result["items"][int(parts[1])]["speakers"][int(parts[3])]["summary"] = value
        else:
            result["items"][int(parts[1])][parts[2]] = value
    return result


def diff_fields(old: dict[str, Any], new: dict[str, Any]) -> list[dict[str, Any]]:
    """Field-level changes between two versions of the minutes."""
    before, after = editable_fields(old), editable_fields(new)
    return [
        {"path": path, "label": field_label(new, path), "old": before.get(path, ""), "new": value}
        for path, value in after.items()
        if before.get(path, "") != value
    ]
