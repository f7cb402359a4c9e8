"""Fixtures for vote tests: those of the live-session tests (an opened session of a 27-member
cabinet, tablets joined to it, vote progress flushed by hand)."""

from tests.meetings.live.conftest import join, manual_progress, session  # noqa: F401  (fixtures)
