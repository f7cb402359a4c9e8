"""The signed-in person of a socket, loaded once per connection instead of once per event.

Flask-Login reloads the person for every Socket.IO event (the user row, its roles, the
server-side session record: one statement, `cabinet.auth.sessions.signed_in`, before a cast
even starts). A socket keeps the
cookie it connected with, so its person is checked once, at `connect`, and a detached copy is
kept in the socket's WSGI environ (which lives as long as the connection). Each later event
merges that copy into its own session without a query.

The copy is dropped, and the next event checks the database again, when:

* that person is changed in this process (any column: session token, `active`, ministry...),
  their roles, or one of their session records (`forget_person`); another person signing in or
  being edited leaves the other sockets' copies alone (a copy holds its own person's row and
  roles only);
* a bulk statement changes people or session records (a sign-out revokes by key): every copy
  goes (`forget_all`), except for the tick's pruning of records that ended a month ago
  (`IDENTITY_UNCHANGED`), which no live socket can be using;
* an eviction order reaches this worker (`cabinet.eviction.apply_eviction` calls `forget_all`):
  a sign-out, deactivation, password or role change on another worker;
* the session record's expiry time passes.
"""

from __future__ import annotations

import itertools
from datetime import datetime
from typing import Any

from flask import has_request_context, request
from sqlalchemy import event, inspect
from sqlalchemy.orm import Session, make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value

from cabinet.auth.models import SessionRecord
from cabinet.db import db, utcnow
from cabinet.users.models import User, UserRole

_KEY = "ecabinet.identity"
#: An execution option: this bulk statement leaves every cached person as it is.
IDENTITY_UNCHANGED = "ecabinet.identity_unchanged"
_epoch = itertools.count(1)
_current = {"epoch": 0}
_people: dict[int, int] = {}  # person id -> when their copies were last dropped


def identity_epoch() -> int:
    """Moves on whenever every cached identity may have become wrong."""
    return _current["epoch"]


def forget_all() -> None:
    """Every socket checks its person again on its next event."""
    _current["epoch"] = next(_epoch)


def forget_person(user_id: int) -> None:
    """The sockets of this person check them again on their next event."""
    _people[user_id] = next(_epoch)


def cached_person(session_id: str, *, attach: bool = True) -> User | None:
    """This socket's person, merged into the current session without a query; None when the
    socket has none cached (an HTTP request, the first event, or after `forget_all`).

    `attach=False`: the detached copy itself, for an event whose work runs in another session
    (`cabinet.group_commit` merges the person into the batch's): its columns and roles are
    loaded, nothing else may be read from it, and nobody may change it."""
    if not has_request_context() or getattr(request, "sid", None) is None:
        return None
    cached = request.environ.get(_KEY)
    if cached is None:
        return None
    cookie_id, epochs, expires_at, template = cached
    if cookie_id != session_id or epochs != _epochs(template.id) or expires_at <= utcnow():
        request.environ.pop(_KEY, None)
        return None
    return db.session.merge(template, load=False) if attach else template


def remember_person(session_id: str, user: User, expires_at: datetime) -> None:
    """Keep a detached copy of the checked person for this socket's later events."""
    if not has_request_context() or getattr(request, "sid", None) is None:
        return
    request.environ[_KEY] = (session_id, _epochs(user.id), expires_at, _detached_copy(user))


def _epochs(user_id: int) -> tuple[int, int]:
    return identity_epoch(), _people.get(user_id, 0)


def _detached_copy(user: User) -> User:
    copy = _copy_row(User, user)
    set_committed_value(copy, "role_rows", [_copy_row(UserRole, row) for row in user.role_rows])
    return copy


def _copy_row(model: type[Any], row: Any) -> Any:
    copy = model(**{attr.key: getattr(row, attr.key) for attr in inspect(model).column_attrs})
    make_transient_to_detached(copy)
    return copy


#: Any change to a person (a ministry or title moved, not only a sign-in) is seen on the next
#: event: what a person may do can depend on every column (the presenting ministry, say).
_WATCHED = {User: None, UserRole: None, SessionRecord: None}


@event.listens_for(Session, "after_flush")
def _sign_ins_changed(session: Session, flush_context: Any) -> None:
    for obj in itertools.chain(session.dirty, session.deleted, session.new):
        watched = _WATCHED.get(type(obj), ())
        if watched == ():
            continue
        if obj in session.new and type(obj) is not UserRole:
            continue  # a new person or a new sign-in changes nobody's cached identity
        if watched is None or any(
            inspect(obj).attrs[name].history.has_changes() for name in watched
        ):
            person = obj.id if type(obj) is User else obj.user_id
            if person is None:
                forget_all()
                return
            forget_person(person)


@event.listens_for(Session, "do_orm_execute")
def _sign_ins_updated(state: Any) -> None:
    """Bulk UPDATE/DELETE statements (session records revoked, pruned) skip the flush."""
    mapper = state.bind_mapper
    bulk = (state.is_update or state.is_delete) and mapper is not None
    if bulk and mapper.class_ in _WATCHED and not state.execution_options.get(IDENTITY_UNCHANGED):
        forget_all()
