"""The reader's operations in one namespace: reading, private notes, offline, board packs.

They live by concern in `reading`, `notes`, `offline` and `packs`; each flushes and audits,
and the view, API or background task commits once. Access is checked by `meetings.loaders`.
"""

from meetings.papers.files import content_store
from meetings.reader.notes import (
    add_note,
    delete_note,
    export_notes_json,
    export_paper_notes,
    notes_markdown,
    notes_of,
    update_note,
)
from meetings.reader.offline import OFFLINE_STATES, offline_manifest, shell_urls
from meetings.reader.packs import (
    BoardPackNotBuilt,
    board_pack_status,
    build_board_pack,
    cached_pack,
    pack_url,
    request_board_pack,
)
from meetings.reader.reading import PaperNotReadable, paper_file_url, version_to_read

__all__ = [
    "OFFLINE_STATES",
    "BoardPackNotBuilt",
    "PaperNotReadable",
    "add_note",
    "board_pack_status",
    "build_board_pack",
    "cached_pack",
    "content_store",
    "delete_note",
    "export_notes_json",
    "export_paper_notes",
    "notes_markdown",
    "notes_of",
    "offline_manifest",
    "pack_url",
    "paper_file_url",
    "request_board_pack",
    "shell_urls",
    "update_note",
    "version_to_read",
]
