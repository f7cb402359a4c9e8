"""Finding 7: a file a member attached to an answer is served as a download, never inline."""

from __future__ import annotations

import io

from cabinet.db import db
from tests.cabinet.test_storage import pdf_bytes
from voting.ballots import services


def test_a_members_answer_file_is_served_as_an_attachment(make_ballot, user_client):
    cabinet, ballot = make_ballot(n=3, questions=1)
    member = cabinet.members[0]
    question = ballot.questions[0]
    services.save_response(
        ballot,
        member,
        [
            services.AnswerInput(
                question.id, "other", "Xem tệp đính kèm.", file=(io.BytesIO(pdf_bytes()), "y.pdf")
            )
        ],
        submit=True,
    )
    db.session.commit()
    for reader in (member, cabinet.secretariat):
        response = user_client(reader).get(
            f"/ballots/{ballot.id}/answers/{member.id}/{question.id}/file"
        )
        assert response.status_code == 200
        assert response.headers["Content-Disposition"].startswith("attachment;")
        response.close()
