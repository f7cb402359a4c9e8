"""Marshmallow schemas of ballots: what the API, the HTML forms and socket events accept, and
the wire shape of what they send back (collected into the OpenAPI spec).

The HTML forms load through the same input schemas as the API (`voting.ballots.forms` turns a
posted form into the same data), so both doors refuse the same input with the same messages.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC
from typing import Any

from flask_babel import lazy_gettext as _l
from marshmallow import Schema, ValidationError, fields, validate, validates

from cabinet.dates import ui_datetime as vn_datetime
from cabinet.db import utcnow
from voting.ballots.comments import comment_text
from voting.ballots.models import AnswerChoice, ConclusionOutcome


class Trimmed(fields.String):
    """A string with surrounding white space removed before it is validated."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> str:
        return super()._deserialize(value, attr, data, **kwargs).strip()


def _visible_text(message: Any) -> Callable[[str], None]:
    """Refuse formatted text that shows nothing ("<p></p>")."""

    def check(value: str) -> None:
        if not comment_text(value):
            raise ValidationError(message)

    return check


_TITLE = _l("Hãy nhập tiêu đề phiếu (ít nhất 3 ký tự).")
_NO_QUESTION = _l("Phiếu cần ít nhất một câu hỏi.")
_BAD_DATE = _l("Ngày giờ không hợp lệ.")
_BAD_PEOPLE = _l("Danh sách người nhận không hợp lệ.")
_CONCLUSION = _l("Hãy nhập kết luận và chọn quyết định.")


class BallotInputSchema(Schema):
    """A ballot as the secretariat prepares it (the API's JSON and the HTML form alike)."""

    title = Trimmed(
        required=True,
        error_messages={"required": _TITLE, "null": _TITLE},
        validate=[
            validate.Length(min=3, error=_TITLE),
            validate.Length(max=500, error=_l("Tiêu đề phiếu tối đa 500 ký tự.")),
        ],
    )
    background = fields.String(
        load_default="",
        validate=validate.Length(max=50_000, error=_l("Nội dung xin ý kiến tối đa 50.000 ký tự.")),
    )
    questions = fields.List(
        Trimmed(
            validate=validate.Length(
                min=3, max=5000, error=_l("Mỗi câu hỏi cần từ 3 đến 5.000 ký tự.")
            )
        ),
        required=True,
        error_messages={"required": _NO_QUESTION, "null": _NO_QUESTION},
        validate=[
            validate.Length(min=1, error=_NO_QUESTION),
            validate.Length(max=30, error=_l("Phiếu có tối đa 30 câu hỏi.")),
        ],
    )
    deadline = fields.AwareDateTime(
        default_timezone=UTC, load_default=None, error_messages={"invalid": _BAD_DATE}
    )
    voter_ids = fields.List(
        fields.Integer(error_messages={"invalid": _BAD_PEOPLE}), load_default=None
    )
    info_ids = fields.List(
        fields.Integer(error_messages={"invalid": _BAD_PEOPLE}), load_default=list
    )

    @validates("deadline")
    def _in_the_future(self, value: Any, **kwargs: Any) -> None:
        if value is not None and value <= utcnow():
            raise ValidationError(_l("Hạn trả lời phải ở tương lai."))


class QuestionSchema(Schema):
    """One question of a ballot."""

    id = fields.Integer()
    position = fields.Integer()
    text = fields.String()


class BallotPaperSchema(Schema):
    """A paper attached to a ballot."""

    id = fields.Integer()
    title = fields.String()
    filename = fields.String()
    mime = fields.String()
    size = fields.Integer()
    classification = fields.String()


class RecipientSchema(Schema):
    """A person the ballot goes to."""

    user_id = fields.Integer()
    name = fields.Function(lambda r: r.user.name, metadata={"type": "string"})
    votes = fields.Boolean()


class BallotSchema(Schema):
    """A ballot as read back."""

    id = fields.Integer()
    title = fields.String()
    background = fields.String()
    status = fields.String()
    deadline = fields.AwareDateTime()
    sent_at = fields.AwareDateTime(allow_none=True)
    closed_at = fields.AwareDateTime(allow_none=True)
    questions = fields.List(fields.Nested(QuestionSchema))
    papers = fields.List(fields.Nested(BallotPaperSchema))
    recipients = fields.List(fields.Nested(RecipientSchema))


class BallotNoticeSchema(Schema):
    """`ballot.sent` / `ballot.closed`: what a member's open tabs learn about a ballot."""

    ballot_id = fields.Integer(attribute="id")
    title = fields.String()
    status = fields.String()
    deadline = fields.AwareDateTime()
    deadline_text = fields.Function(lambda b: vn_datetime(b.deadline), metadata={"type": "string"})
    url = fields.Function(lambda b: f"/ballots/{b.id}", metadata={"type": "string"})


class AnswerItemSchema(Schema):
    """A member's answer to one question."""

    question_id = fields.Integer(required=True)
    choice = fields.String(
        allow_none=True,
        load_default=None,
        validate=validate.OneOf(
            [c.value for c in AnswerChoice], error=_l("Hãy chọn một ý kiến cho câu hỏi này.")
        ),
    )
    comment = fields.String(
        load_default="",
        validate=validate.Length(max=20_000, error=_l("Ý kiến tối đa 20.000 ký tự.")),
    )


class ResponseInputSchema(Schema):
    """A reply to save as a draft (`submit: false`) or to submit.

    Errors about one answer are keyed `q<question id>.<field>`, as the completeness errors of
    the reply are, so a form shows each next to its own field.
    """

    answers = fields.List(fields.Nested(AnswerItemSchema), required=True)
    submit = fields.Boolean(load_default=False)

    def handle_error(self, error: ValidationError, data: Any, **kwargs: Any) -> None:
        """Re-key the errors of `answers[i]` by that answer's question id."""
        messages = error.messages if isinstance(error.messages, dict) else {}
        per_answer = messages.get("answers")
        given = data.get("answers") if isinstance(data, dict) else None
        if not isinstance(per_answer, dict) or not isinstance(given, list):
            return
        keyed: dict[str, Any] = {k: v for k, v in messages.items() if k != "answers"}
        for index, problems in per_answer.items():
            item = given[index] if isinstance(index, int) and index < len(given) else None
            qid = _question_id(item)
            if not isinstance(problems, dict) or qid is None or "question_id" in problems:
                keyed.setdefault("answers", {})[index] = problems
                continue
            for name, field_errors in problems.items():
                keyed[f"q{qid}.{name}"] = field_errors
        raise ValidationError(keyed)


def _question_id(item: Any) -> int | None:
    try:
        return int(item["question_id"])
    except (KeyError, TypeError, ValueError):
        return None


class ResponseSchema(Schema):
    """A member's reply as read back (status null: the member has not replied yet)."""

    status = fields.String(allow_none=True)
    submitted_at = fields.AwareDateTime(allow_none=True)
    updated_at = fields.AwareDateTime()
    revisions = fields.Function(lambda r: len(r.revisions), metadata={"type": "integer"})
    answers = fields.Function(
        lambda r: [
            {
                "question_id": a.question_id,
                "choice": a.choice.value if a.choice else None,
                "comment": a.comment,
                "file_name": a.file_name,
            }
            for a in r.answers
        ],
        metadata={"type": "array", "items": {"type": "object"}},
    )


class ReturnInputSchema(Schema):
    """The approver's note when sending a ballot back to the secretariat."""

    note = Trimmed(
        required=True,
        error_messages={"required": _l("Hãy ghi ý kiến khi trả lại dự thảo.")},
        validate=validate.Length(min=1, max=5000, error=_l("Hãy ghi ý kiến khi trả lại dự thảo.")),
    )


class ProposalInputSchema(Schema):
    """The secretariat's proposal to the chair."""

    text = fields.String(
        required=True,
        error_messages={"required": _l("Hãy nhập đề xuất.")},
        validate=[validate.Length(max=50_000), _visible_text(_l("Hãy nhập đề xuất."))],
    )


class ConclusionInputSchema(Schema):
    """The chair's conclusion."""

    text = fields.String(
        required=True,
        error_messages={"required": _CONCLUSION},
        validate=[validate.Length(max=50_000), _visible_text(_CONCLUSION)],
    )
    outcome = fields.String(
        required=True,
        error_messages={"required": _CONCLUSION},
        validate=validate.OneOf([o.value for o in ConclusionOutcome], error=_CONCLUSION),
    )


class RemindInputSchema(Schema):
    """Whom to remind."""

    user_id = fields.Integer(required=True)


class BallotJoinSchema(Schema):
    """`ballot.join`: follow one ballot's board."""

    ballot_id = fields.Integer(required=True)

    @validates("ballot_id")
    def _positive(self, value: int, **kwargs: Any) -> None:
        if value <= 0:
            raise ValidationError("ballot_id must be positive")


class BoardRowSchema(Schema):
    """One member's line on the secretariat's board."""

    user_id = fields.Integer()
    name = fields.String()
    title = fields.String()
    state = fields.String(metadata={"enum": ["answered", "saved", "pending", "overdue"]})
    submitted_at = fields.AwareDateTime(allow_none=True)
    revisions = fields.Integer()
    choices = fields.Dict(keys=fields.String(), values=fields.String())
    last_reminded_at = fields.AwareDateTime(allow_none=True)
    can_remind = fields.Boolean()


class BoardSchema(Schema):
    """Who has answered, who has not, who is overdue."""

    ballot_id = fields.Integer()
    status = fields.String()
    deadline = fields.AwareDateTime()
    total = fields.Integer()
    counts = fields.Dict(keys=fields.String(), values=fields.Integer())
    rows = fields.List(fields.Nested(BoardRowSchema))


class BoardUpdateSchema(Schema):
    """`ballot.answered`: one member's new line on the board, and the new counts."""

    ballot_id = fields.Integer()
    row = fields.Nested(BoardRowSchema, allow_none=True)
    counts = fields.Dict(keys=fields.String(), values=fields.Integer())
    total = fields.Integer()
