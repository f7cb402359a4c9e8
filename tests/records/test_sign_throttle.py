"""Finding 10: signing passphrase / PIN guesses are throttled like sign-in."""

from __future__ import annotations

from records import services

from .conftest import PASSPHRASES, fill_and_finalize


def test_wrong_signing_passphrases_lock_signing_for_a_while(closed_session, keystores, user_client):
    s = closed_session
    minutes = services.ensure_minutes(s.meeting, s.cab.secretariat)
    fill_and_finalize(minutes, s.cab)
    client = user_client(s.cab.secretariat)
    url = f"/api/v1/records/minutes/{minutes.id}/sign"
    codes = [client.post(url, json={"passphrase": f"doan-{i}"}) for i in range(6)]
    assert [r.get_json()["code"] for r in codes[:5]] == ["record.wrong_passphrase"] * 5
    assert codes[5].status_code == 429, codes[5].get_json()
    assert codes[5].get_json()["code"] == "too_many_requests"
    # even the right passphrase waits until the lock ends
    right = client.post(url, json={"passphrase": PASSPHRASES["secretary"]})
    assert right.status_code == 429
