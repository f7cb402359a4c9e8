"""What a join and a cast cost, counted (not timed): the statements they run.

A join shows the last result's counts only: it must not read the entitled and choices lists
of past votes, and it must cost the same after 1 or 4 closed votes. A socket checks its person
once per connection, not once per event, until a sign-in changes.
"""

from __future__ import annotations

import re
import threading
import uuid

from sqlalchemy import event

from cabinet.db import db
from cabinet.memo import clear_every_memo
from cabinet.users.models import User
from cabinet.users.services import all_members
from meetings.live import services as live
from meetings.models import AgendaItem, Paper, PaperReader, PaperVersion
from tests.conftest import loaded, statements
from tests.meetings.test_loaders import _paper
from tests.voting.polls.helpers import check_in
from voting.polls import services as polls
from voting.polls.models import OpenCast, PollEligible, PollKind, PollResult
from voting.rules import Choice


def close_votes(session, count: int) -> list[int]:
    """`count` votes opened, cast by every member present and closed, through the services."""
    meeting, cab = session.meeting, session.cab
    ids = []
    for n in range(count):
        poll = polls.open_poll(
            meeting, cab.chair, item=session.items[0], question=f"Câu {n}?", kind=PollKind.OPEN
        )
        for member in cab.members:
            polls.cast_vote(poll, member, Choice.APPROVE, uuid.uuid4().hex)
        polls.close_poll(poll, cab.chair)
        ids.append(poll.id)
    db.session.commit()  # (the test's savepoint) its audit entries written now, not in the join
    db.session.expire_all()  # the join loads what it needs, as a fresh process would
    return ids


def test_a_join_reads_the_last_result_counts_only_whatever_the_history(session, join):
    meeting, cab = session.meeting, session.cab
    check_in(meeting, cab.members)
    member = cab.members[3]

    first = close_votes(session, 1)
    clear_every_memo()  # both joins build their snapshot: the same work, compared
    with statements() as after_one:
        _, ack = join(member, meeting)
    assert ack["state"]["live"]["last_result"]["id"] == first[-1]

    more = close_votes(session, 3)
    clear_every_memo()
    with statements() as after_four:
        _, ack = join(member, meeting)
    last = ack["state"]["live"]["last_result"]
    assert last["id"] == more[-1] and last["result"]["approve"] == len(cab.members)
    assert "entitled" not in last["result"] and "choices" not in last["result"]

    # The same statements after 4 closed votes as after 1: no per-vote query.
    assert len(after_four) == len(after_one)
    # No statement reads the past votes' entitled or choices lists.
    read_lists = [s for s in after_one + after_four if "poll_results.entitled" in s]
    assert read_lists == []
    assert not [s for s in after_one + after_four if "poll_results.choices" in s]


def test_a_socket_checks_its_person_once_per_connection(session, join):
    meeting, cab = session.meeting, session.cab
    check_in(meeting, cab.members)
    sio, _ = join(cab.members[0], meeting)

    with statements() as seen:
        ack = sio.emit("meeting.join", {"meeting_id": meeting.id}, callback=True)
    assert ack["ok"]
    # Neither the person nor their session record is read again (Flask-Login would, per event).
    assert [s for s in seen if "FROM users WHERE users.id = " in s] == []
    assert [s for s in seen if "FROM user_sessions" in s] == []

    # A sign-in change in this process (the token rotated) drops every cached person: the next
    # event checks the database again, and is refused.
    cab.members[0].session_token = "rotated"
    db.session.flush()
    ack = sio.emit("meeting.join", {"meeting_id": meeting.id}, callback=True)
    assert ack["ok"] is False and ack["error"]["code"] == "unauthorized"


def test_another_persons_change_or_the_pruning_tick_keeps_a_sockets_person(session, join):
    """Sixty members signing in during a session, or the tick pruning old session records, must
    not make every other tablet reload its person on its next event (a cast burst right after
    paid three queries per cast); the changed person's own sockets still check again."""
    from cabinet.auth.sessions import prune_sessions
    from cabinet.db import utcnow

    meeting, cab = session.meeting, session.cab
    check_in(meeting, cab.members)
    sio, _ = join(cab.members[0], meeting)
    other, _ = join(cab.members[1], meeting)

    cab.members[1].session_token = "rotated"  # another person's sign-in changed
    db.session.flush()
    prune_sessions(utcnow())  # the tick's housekeeping: ended records only
    with statements() as seen:
        ack = sio.emit("meeting.join", {"meeting_id": meeting.id}, callback=True)
    assert ack["ok"]
    assert [s for s in seen if "FROM users WHERE users.id = " in s] == []
    assert [s for s in seen if "FROM user_sessions" in s] == []
    refused = other.emit("meeting.join", {"meeting_id": meeting.id}, callback=True)
    assert refused["ok"] is False and refused["error"]["code"] == "unauthorized"


def test_casts_read_the_eligible_list_once_and_find_a_resend_by_their_insert(session, join):
    """Who may vote is final once the vote opens: the opening keeps the list for the casts (a
    cast in another process reads it once), no cast reads it. While the vote is open a cast is
    one INSERT that leaves a stored client id alone, with no SELECT for the client id first; a
    resend still gets its receipt, before and after the close, and a member who arrived after
    the opening is still refused."""
    from tests.voting.polls.test_polls_sockets import cast, open_vote

    meeting, cab = session.meeting, session.cab
    late = cab.members[-1]
    check_in(meeting, cab.members[:-1])
    chair, _ = join(cab.chair, meeting)
    poll_id = open_vote(chair, meeting, session.items[0])["poll"]["id"]
    tablets = [join(member, meeting)[0] for member in cab.members[:4]]

    with statements() as seen:
        acks = [cast(t, poll_id, "approve", f"cast-000{n}") for n, t in enumerate(tablets)]
    assert [a["ok"] for a in acks] == [True] * 4, acks
    assert [s for s in seen if "FROM poll_eligible" in s] == []  # read by the first cast before
    assert [s for s in seen if "poll_open_casts.client_id = " in s] == []
    assert len([s for s in seen if s.startswith("INSERT INTO poll_open_casts")]) == 4

    again = cast(tablets[0], poll_id, "approve", "cast-0000")
    assert again["ok"] and again["duplicate"] is True and again["receipt"] == acks[0]["receipt"]
    changed = cast(tablets[1], poll_id, "disapprove", "cast-0001-changed")
    assert changed["ok"] and changed["duplicate"] is False

    check_in(meeting, [late])
    refused = cast(join(late, meeting)[0], poll_id, "approve")
    assert (refused["ok"], refused["error"]["code"]) == (False, "vote.not_eligible")

    result = chair.emit("vote.close", {"poll_id": poll_id}, callback=True)["result"]
    assert (result["approve"], result["disapprove"]) == (3, 1)
    after = cast(tablets[2], poll_id, "approve", "cast-0002")
    assert after["ok"] and after["duplicate"] is True and after["receipt"] == acks[2]["receipt"]


def test_a_socket_event_decodes_no_cookie_hashes_no_address_routes_no_url(
    session, join, user_client, monkeypatch
):
    """The socket's session and person were checked at its first event; Flask would open the
    signed cookie again for every event, Flask-Login hash the address and browser again, and
    Flask bind the URL map to the socket's environ and match its path against every route; python-socketio would walk each ack
    (and each broadcast) looking for bytes that JSON payloads never hold."""
    from flask.sessions import SecureCookieSessionInterface
    from flask_login import LoginManager
    from socketio.packet import Packet
    from werkzeug.routing import Map, MapAdapter

    meeting, cab = session.meeting, session.cab
    check_in(meeting, cab.members)
    sio, _ = join(cab.members[0], meeting)
    calls = {"cookie": 0, "hash": 0, "route": 0, "bind": 0, "walk": 0}
    serializer = SecureCookieSessionInterface.get_signing_serializer
    protection = LoginManager._session_protection_failed
    match, bind = MapAdapter.match, Map.bind_to_environ

    walk = Packet.data_is_binary.__func__

    def counted_walk(cls, data):
        # The server's acks only (the test client walks what it sends and receives too).
        if isinstance(data, list) and data and isinstance(data[0], dict) and "ok" in data[0]:
            calls["walk"] += 1
        return walk(cls, data)

    def counted_match(self, *args, **kwargs):
        calls["route"] += 1
        return match(self, *args, **kwargs)

    def counted_bind(self, *args, **kwargs):
        calls["bind"] += 1
        return bind(self, *args, **kwargs)

    def counted_serializer(self, app):
        calls["cookie"] += 1
        return serializer(self, app)

    def counted_protection(self):
        calls["hash"] += 1
        return protection(self)

    monkeypatch.setattr(SecureCookieSessionInterface, "get_signing_serializer", counted_serializer)
    monkeypatch.setattr(LoginManager, "_session_protection_failed", counted_protection)
    monkeypatch.setattr(MapAdapter, "match", counted_match)
    monkeypatch.setattr(Map, "bind_to_environ", counted_bind)
    monkeypatch.setattr(Packet, "data_is_binary", classmethod(counted_walk))
    for _ in range(3):
        assert sio.emit("meeting.join", {"meeting_id": meeting.id}, callback=True)["ok"]
    assert calls == {"cookie": 0, "hash": 0, "route": 0, "bind": 0, "walk": 0}

    # An HTTP request still opens its cookie and is routed.
    assert user_client(cab.members[0]).get("/").status_code in (200, 302)
    assert calls["cookie"] >= 1 and calls["route"] >= 1 and calls["bind"] >= 1


def test_the_statement_count_leaves_out_other_threads(session, join):
    """A background thread querying while a join is counted (what the room-screen pusher or the
    tick do at any time) adds nothing to the join's count."""
    meeting, cab = session.meeting, session.cab
    check_in(meeting, cab.members)
    sio, _ = join(cab.members[3], meeting)

    def counted_join() -> list[str]:
        clear_every_memo()
        with statements() as seen:
            assert sio.emit("meeting.join", {"meeting_id": meeting.id}, callback=True)["ok"]
        return seen

    alone = counted_join()
    stop, started = threading.Event(), threading.Event()

    def busy() -> None:
        with db.engine.connect() as connection:
            while not stop.is_set():
                connection.exec_driver_sql("SELECT 1")
                started.set()

    other = threading.Thread(target=busy)
    other.start()
    try:
        assert started.wait(10)
        beside = counted_join()
    finally:
        stop.set()
        other.join(10)
    assert len(beside) == len(alone) and "SELECT 1" not in beside


def _grow_agenda(session, items: int) -> None:
    """`items` more agenda items, each with a normal and a classified paper (member 3 a reader)."""
    meeting, cab = session.meeting, session.cab
    for n in range(items):
        item = AgendaItem(position=10 + n, title=f"Nội dung thêm {n}", planned_minutes=10)
        meeting.items.append(item)
        _paper(item)
        _paper(item, readers=[cab.members[3]])
    db.session.commit()  # (the test's savepoint)
    db.session.expire_all()


def test_a_join_reads_the_agenda_as_rows_whatever_its_size(session, join):
    """The agenda is judged from its rows (`meetings.agenda_facts`): once its dump is kept, a
    join builds no item, paper or version object, and runs the same statements for an agenda
    of 4 items and 2 papers as for one of 14 items and 22 papers."""
    meeting, cab = session.meeting, session.cab
    check_in(meeting, cab.members)
    member = cab.members[3]
    built: list[str] = []

    def count(target, _context) -> None:
        built.append(type(target).__name__)

    _grow_agenda(session, 1)  # (commits the check-ins' audit entries too)
    join(member, meeting)  # the agenda's dump, made and kept
    db.session.expire_all()
    models = (AgendaItem, Paper, PaperVersion, PaperReader)
    for model in models:
        event.listen(model, "load", count)
    try:
        with statements() as small:
            join(member, meeting)
        _grow_agenda(session, 10)
        join(member, meeting)  # the new agenda's dump, made and kept
        db.session.expire_all()
        built.clear()
        with statements() as large:
            _, ack = join(member, meeting)
    finally:
        for model in models:
            event.remove(model, "load", count)
    assert built == []
    assert len(large) == len(small), (len(small), len(large))
    # Each thing read once: the agenda's facts in two statements (the items with their papers
    # and versions; the invitees and readers), the seat count with the person's own seat in
    # one, the cookie's person with roles and session record in one (5, 2 and 3 before).
    agenda = r"FROM (agenda_items|agenda_item_invitees|papers|paper_versions|paper_readers)\b"
    assert len([s for s in large if re.search(agenda, s)]) == 2
    assert len([s for s in large if "cabinet_seats" in s]) == 1
    signed_in = next(i for i, s in enumerate(large) if s.startswith("INSERT INTO user_sessions"))
    identity = r"\b(users|user_roles|user_sessions)\b"  # after the fixture's sign-in
    found = [s for s in large[signed_in + 1 :] if re.search(identity, s)]
    assert len(found) == 1, "\n".join(f[:160] for f in found)
    # The person's participation row comes with the meeting, in its statement (a statement of
    # its own before; the test's own `meeting.id` reloads the expired meeting meanwhile).
    alone = [s for s in large if s.startswith("SELECT meeting_participants.")]
    assert alone == [] and any(
        "FROM meetings LEFT OUTER JOIN meeting_participants" in s for s in large
    )
    assert len(ack["state"]["items"]) == 14
    assert sum(len(i["papers"]) for i in ack["state"]["items"]) == 22  # the reader sees all


def test_a_join_during_a_vote_and_its_close_build_no_object_per_voter(session, join):
    """A tablet that joins while the vote is open reads its own cast, not the room's (a Wi-Fi
    drop mid-vote makes every tablet rejoin at once); the close reads the casts once, as rows,
    and the eligible list once, as rows, and ranks the entitled by the members' ids without
    loading them: one statement for all three, whatever the number of voters."""
    meeting, cab = session.meeting, session.cab
    check_in(meeting, cab.members)
    chair, _ = join(cab.chair, meeting)
    poll = polls.open_poll(
        meeting, cab.chair, item=session.items[0], question="Thông qua?", kind=PollKind.OPEN
    )
    for n, member in enumerate(cab.members):
        polls.cast_vote(poll, member, Choice.DISAPPROVE if n % 3 else Choice.APPROVE, f"c-{n:04}")
    db.session.commit()
    db.session.expire_all()

    with loaded(OpenCast, User) as joining:
        _, ack = join(cab.members[3], meeting)
    assert ack["state"]["live"]["vote"]["my_cast"]["client_id"] == "c-0003"
    assert joining["OpenCast"] == 1

    poll_id, eligible = poll.id, poll.eligible_ids()
    db.session.expunge_all()  # a worker's event starts with an empty session
    with loaded(OpenCast, User, PollEligible) as closing, statements() as seen:
        result = chair.emit("vote.close", {"poll_id": poll_id}, callback=True)["result"]
    approve = len(range(0, len(cab.members), 3))
    assert (result["approve"], result["disapprove"]) == (approve, len(cab.members) - approve)
    assert result["eligible"] == len(cab.members)
    assert closing["OpenCast"] == closing["PollEligible"] == 0, closing
    assert closing["User"] <= 1, closing  # the chair (the session is new), no voter
    # Two reads: the vote with its meeting and item (the chair's check, the announcement) and
    # the roll call (each entitled voter's counted choice, in protocol order); how many voted
    # is the result's to say (it was a third read).
    reads = [s for s in seen if s.startswith("SELECT")]
    assert len(reads) == 2, reads
    assert " JOIN meetings " in reads[0] and " JOIN agenda_items " in reads[0]
    assert reads[1].startswith("SELECT poll_eligible.user_id") and "cabinet_seats" in reads[1]
    # The vote is closed by one statement that checks its state (no read back, no lock apart).
    closes = [s for s in seen if s.startswith("UPDATE polls")]
    assert len(closes) == 1 and "polls.state = " in closes[0], closes
    # The names per choice in protocol order (the members' seats), as before.
    stored = db.session.get(PollResult, poll_id)
    seats = [member.id for member in all_members()]
    assert [c["user_id"] for c in stored.choices] == [u for u in seats if u in eligible]
    assert [c["choice"] for c in stored.choices][:2] == ["approve", "disapprove"]


def test_a_cast_uses_its_sockets_person_as_it_is(session, join, monkeypatch):
    """A tablet's cast runs in the batch's session with the socket's checked copy of the
    person as it is: no person (with their roles) is copied into the session per cast. A
    refusal that reads the person further (a deputy) still answers with its reason."""
    from sqlalchemy.orm import Session

    from tests.voting.polls.test_polls_sockets import cast, open_vote

    meeting, cab = session.meeting, session.cab
    absent = cab.members[1]  # whose designated deputy is deputies[0]
    live.assign_deputy(meeting, cab.secretariat, absent, cab.deputies[0])
    check_in(meeting, [m for m in cab.members if m is not absent] + [cab.deputies[0]])
    chair, _ = join(cab.chair, meeting)
    poll_id = open_vote(chair, meeting, session.items[0])["poll"]["id"]
    tablets = [join(member, meeting)[0] for member in cab.members[2:6]]
    deputy, _ = join(cab.deputies[0], meeting)
    merged: list[object] = []
    merge = Session.merge

    def counting_merge(self, instance, *args, **kwargs):
        merged.append(instance)
        return merge(self, instance, *args, **kwargs)

    monkeypatch.setattr(Session, "merge", counting_merge)
    acks = [cast(t, poll_id, "approve", f"cast-000{n}") for n, t in enumerate(tablets)]
    refused = cast(deputy, poll_id, "approve")
    assert [a["ok"] for a in acks] == [True] * 4, acks
    assert refused["error"]["message"] == "Người dự thay không có quyền biểu quyết."
    assert [m for m in merged if isinstance(m, User)] == []
    result = chair.emit("vote.close", {"poll_id": poll_id}, callback=True)["result"]
    assert result["approve"] == 4
