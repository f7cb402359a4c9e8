"""Finding 4 (sessions) and the lockout part of finding 10: server-side sessions that sign-out
ends, a CSRF token renewed at sign-in, sockets dropped at sign-out / password change, and a
lockout an outsider cannot turn against the owner (OWASP device cookies)."""

from __future__ import annotations

from cabinet.auth.devices import DEVICE_COOKIE
from cabinet.extensions import socketio
from cabinet.realtime import user_room
from tests.conftest import PASSWORD, events_named


def _sign_in(client, email, password=PASSWORD):
    return client.post("/sign-in", data={"email": email, "password": password})


def _copy_cookie(source, target, name="ecabinet_session"):
    cookie = source.get_cookie(name)
    target.set_cookie(name, cookie.value, domain=cookie.domain, path=cookie.path)


def test_sign_out_ends_the_session_for_a_copied_cookie_too(app, db, make_user):
    make_user(email="copy@ecabinet.test")
    owner, thief = app.test_client(), app.test_client()
    assert _sign_in(owner, "copy@ecabinet.test").status_code == 302
    _copy_cookie(owner, thief)
    assert thief.get("/api/v1/me").status_code == 200  # the copy works while the session lives
    assert owner.post("/sign-out").status_code == 200
    assert thief.get("/api/v1/me").status_code == 401
    assert owner.get("/api/v1/me").status_code == 401


def test_sign_out_everywhere_ends_every_session_of_the_person(app, db, make_user):
    make_user(email="every@ecabinet.test")
    tablet, laptop = app.test_client(), app.test_client()
    _sign_in(tablet, "every@ecabinet.test")
    _sign_in(laptop, "every@ecabinet.test")
    assert tablet.get("/api/v1/me").status_code == 200
    assert laptop.post("/sign-out-everywhere").status_code == 200
    assert tablet.get("/api/v1/me").status_code == 401
    assert laptop.get("/api/v1/me").status_code == 401


def test_the_csrf_token_is_renewed_at_sign_in(client, db, make_user):
    make_user(email="csrf@ecabinet.test")
    client.get("/sign-in")
    with client.session_transaction() as sess:
        sess["csrf_token"] = "planted-by-an-attacker"
    assert _sign_in(client, "csrf@ecabinet.test").status_code == 302
    with client.session_transaction() as sess:
        assert sess.get("csrf_token") != "planted-by-an-attacker"


def _socket_of(app, http):
    return socketio.test_client(app, flask_test_client=http)


def test_sign_out_disconnects_that_sessions_sockets_only(app, db, make_user, socket_client):
    """Signing out on the laptop drops the laptop's sockets; the tablet's session goes on."""
    user = make_user(email="sock@ecabinet.test")
    socket_client()  # the fixture restores the server after the test
    tablet, laptop = app.test_client(), app.test_client()
    _sign_in(tablet, "sock@ecabinet.test")
    _sign_in(laptop, "sock@ecabinet.test")
    tablet_socket, laptop_socket = _socket_of(app, tablet), _socket_of(app, laptop)
    try:
        assert tablet_socket.is_connected() and laptop_socket.is_connected()
        laptop.post("/sign-out")
        socketio.emit("probe.after", {"n": 1}, to=user_room(user.id))
        assert not laptop_socket.is_connected()
        assert tablet_socket.is_connected()
        assert events_named(tablet_socket, "probe.after") == [{"n": 1}]
    finally:
        for sio in (tablet_socket, laptop_socket):
            if sio.is_connected():
                sio.disconnect()


def test_password_change_disconnects_the_persons_other_sockets(app, db, make_user, socket_client):
    user = make_user(email="pw@ecabinet.test")
    socket_client()
    old_tablet, laptop = app.test_client(), app.test_client()
    _sign_in(old_tablet, "pw@ecabinet.test")
    _sign_in(laptop, "pw@ecabinet.test")
    old_socket, second = _socket_of(app, old_tablet), _socket_of(app, old_tablet)
    try:
        assert second.is_connected()
        assert old_socket.is_connected()
        changed = laptop.post(
            "/account/password",
            data={
                "current_password": PASSWORD,
                "password": "mat-khau-moi-123",
                "password_confirm": "mat-khau-moi-123",
            },
        )
        assert changed.status_code == 302
        socketio.emit("probe.after", {"n": 1}, to=user_room(user.id))
        assert not old_socket.is_connected()  # so it receives no further broadcast
        assert not second.is_connected()
        assert old_tablet.get("/api/v1/me").status_code == 401
        assert laptop.get("/api/v1/me").status_code == 200
    finally:
        for sio in (old_socket, second):
            if sio.is_connected():
                sio.disconnect()


def test_an_outsider_cannot_lock_the_owner_out_of_a_known_device(app, db, make_user):
    make_user(email="victim@ecabinet.test")
    owner = app.test_client()
    assert _sign_in(owner, "victim@ecabinet.test").status_code == 302
    assert owner.get_cookie(DEVICE_COOKIE, path="/sign-in") is not None
    owner.post("/sign-out")

    attacker = app.test_client()
    statuses = [
        _sign_in(attacker, "victim@ecabinet.test", "doan-bua").status_code for _ in range(6)
    ]
    assert statuses[-1] == 429  # untrusted browsers are locked out of that account
    assert _sign_in(attacker, "victim@ecabinet.test").status_code == 429
    # the owner, from the device they signed in on before, still gets in
    assert _sign_in(owner, "victim@ecabinet.test").status_code == 302
    assert owner.get("/api/v1/me").status_code == 200


def test_a_known_device_is_itself_locked_after_repeated_failures(app, db, make_user):
    make_user(email="stolen@ecabinet.test")
    device = app.test_client()
    _sign_in(device, "stolen@ecabinet.test")
    device.post("/sign-out")
    statuses = [_sign_in(device, "stolen@ecabinet.test", "sai").status_code for _ in range(5)]
    assert statuses == [401, 401, 401, 401, 429]
    assert _sign_in(device, "stolen@ecabinet.test").status_code == 429
    # a fresh browser is not affected by the device's own lock
    assert _sign_in(app.test_client(), "stolen@ecabinet.test").status_code == 302
