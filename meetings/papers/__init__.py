"""Papers of agenda items: changing them (`changes`) and serving them (`files`).

The public operations are importable from `meetings.papers`.
"""

from meetings.papers.changes import add_paper, add_version, set_classification, withdraw_paper
from meetings.papers.files import (
    NoReadingCopy,
    PaperWithdrawn,
    content_store,
    last_reads,
    paper_response,
    record_read,
)

__all__ = [
    "NoReadingCopy",
    "PaperWithdrawn",
    "add_paper",
    "add_version",
    "content_store",
    "last_reads",
    "paper_response",
    "record_read",
    "set_classification",
    "withdraw_paper",
]
