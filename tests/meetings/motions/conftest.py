"""Motion tests share the live tests' progress fixture (progress emits on demand)."""

from tests.meetings.live.conftest import manual_progress  # noqa: F401
