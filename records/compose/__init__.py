"""The content of records, built from what the system recorded.

`minutes` drafts the minutes from the session record, `fields` names and applies the minutes'
editable texts, `decisions` builds resolutions and ballot decisions (Decree 30/2020).

Minutes content (JSON, stored on :class:`records.models.Minutes`)::

    {"meeting": {...}, "chair": person, "secretary": person, "attendance": {...},
     "opening": str, "items": [{"item_id", "position", "title", "ministry", "presenter",
       "papers": [str], "speakers": [{..person, "capacity", "for_member", "summary"}],
       "votes": [{"question", "kind", counts, "passed", "rule_text", "choices"|None}],
       "conclusion": str, "decision": str}], "closing": str}

A record is a Vietnamese legal document, so its text is Vietnamese whatever the reader's language.
"""
