"""The append-only, hash-chained audit log."""

from cabinet.audit.services import record, verify_chain

__all__ = ["record", "verify_chain"]
