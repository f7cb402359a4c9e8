"""The live session: attendance and quorum, the current item and its timer, the speakers' list.

Votes live in `voting.polls`; they add their part to this package's "live" snapshot part
through `meetings.hooks.live_parts`, so a tablet that reconnects resyncs in one message.
"""

from __future__ import annotations

from flask import Flask

from cabinet.realtime import register_snapshot_part
from cabinet.revisions import register_revision_store
from meetings.permissions import MEETING_ID_HOOKS, READ_HOOKS


def register(app: Flask) -> None:
    """Register the live pages, socket events, the deputy read hook and the snapshot part."""
    # Imported here, not at the top: every `import meetings.live.<module>` (voting imports
    # `meetings.live.services`) runs this __init__ first; pages load when the app is built.
    from meetings.live import (
        models,  # noqa: F401  (tables for create_all)
        revision,
        views,
    )
    from meetings.live.attendance import deputy_meeting_ids, deputy_read_hook
    from meetings.live.snapshot import live_part
    from meetings.live.sockets import register_sockets

    app.register_blueprint(views.bp)
    register_sockets()
    if deputy_read_hook not in READ_HOOKS:
        READ_HOOKS.append(deputy_read_hook)
    if deputy_meeting_ids not in MEETING_ID_HOOKS:  # the deputy finds the meeting in "My meetings"
        MEETING_ID_HOOKS.append(deputy_meeting_ids)
    register_snapshot_part("live", live_part)
    register_revision_store(revision.bump, revision.read)
