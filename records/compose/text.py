"""Plain text for records (the conversion lives in :mod:`cabinet.plaintext`, where the ballot
summary's JSON record, rendered by the voting layer, uses it too)."""

from cabinet.plaintext import PARAGRAPH_BREAK as PARAGRAPH_BREAK
from cabinet.plaintext import paragraphs as paragraphs
from cabinet.plaintext import plain_text as plain_text
from cabinet.plaintext import plain_tree as plain_tree
