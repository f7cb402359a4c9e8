"""Marshmallow schemas of the ballots API and socket events (collected into the OpenAPI spec)."""

from __future__ import annotations

from datetime import UTC

from marshmallow import Schema, ValidationError, fields, validate, validates

from voting.ballots.models import AnswerChoice, ConclusionOutcome


class BallotInputSchema(Schema):
    """A ballot as the secretariat prepares it."""

    title = fields.String(required=True, validate=validate.Length(min=3, max=500))
    background = fields.String(load_default="", validate=validate.Length(max=50_000))
    questions = fields.List(
        fields.String(validate=validate.Length(min=3, max=5000)),
        required=True,
        validate=validate.Length(min=1, max=30),
    )
    deadline = fields.AwareDateTime(default_timezone=UTC, load_default=None)
    voter_ids = fields.List(fields.Integer(), load_default=None)
    info_ids = fields.List(fields.Integer(), load_default=list)


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
    name = fields.Function(lambda r: r.user.name)
    votes = fields.Boolean()


class BallotSchema(Schema):
    """A ballot as read back."""

    id = fields.Integer()
    title = fields.String()
    background = fields.String()
    status = fields.Function(lambda b: b.status.value)
    deadline = fields.AwareDateTime()
    sent_at = fields.AwareDateTime(allow_none=True)
    closed_at = fields.AwareDateTime(allow_none=True)
    questions = fields.List(fields.Nested(QuestionSchema))
    papers = fields.List(fields.Nested(BallotPaperSchema))
    recipients = fields.List(fields.Nested(RecipientSchema))


class AnswerItemSchema(Schema):
    """A member's answer to one question."""

    question_id = fields.Integer(required=True)
    choice = fields.String(
        allow_none=True, load_default=None, validate=validate.OneOf([c.value for c in AnswerChoice])
    )
    comment = fields.String(load_default="", validate=validate.Length(max=20_000))


class ResponseInputSchema(Schema):
    """A reply to save as a draft (`submit: false`) or to submit."""

    answers = fields.List(fields.Nested(AnswerItemSchema), required=True)
    submit = fields.Boolean(load_default=False)


class ResponseSchema(Schema):
    """A member's reply as read back."""

    status = fields.Function(lambda r: r.status.value)
    submitted_at = fields.AwareDateTime(allow_none=True)
    updated_at = fields.AwareDateTime()
    revisions = fields.Function(lambda r: len(r.revisions))
    answers = fields.Function(
        lambda r: [
            {
                "question_id": a.question_id,
                "choice": a.choice.value if a.choice else None,
                "comment": a.comment,
                "file_name": a.file_name,
            }
            for a in r.answers
        ]
    )


class ReturnInputSchema(Schema):
    """The approver's note when sending a ballot back to the secretariat."""

    note = fields.String(required=True, validate=validate.Length(min=1, max=5000))


class ProposalInputSchema(Schema):
    """The secretariat's proposal to the chair."""

    text = fields.String(required=True, validate=validate.Length(min=1, max=50_000))


class ConclusionInputSchema(Schema):
    """The chair's conclusion."""

    text = fields.String(required=True, validate=validate.Length(min=1, max=50_000))
    outcome = fields.String(
        required=True, validate=validate.OneOf([o.value for o in ConclusionOutcome])
    )


class RemindInputSchema(Schema):
    """Whom to remind."""

    user_id = fields.Integer(required=True)


class BallotJoinSchema(Schema):
    """`ballot.join`: follow one ballot's board."""

    ballot_id = fields.Integer(required=True)

    @validates("ballot_id")
    def _positive(self, value: int, **kwargs) -> None:
        if value <= 0:
            raise ValidationError("ballot_id must be positive")


class BoardRowSchema(Schema):
    """One member's line on the secretariat's board."""

    user_id = fields.Integer()
    name = fields.String()
    title = fields.String()
    state = fields.String(metadata={"enum": ["answered", "saved", "pending", "overdue"]})
    submitted_at = fields.String(allow_none=True)
    revisions = fields.Integer()
    choices = fields.Dict(keys=fields.String(), values=fields.String())
    last_reminded_at = fields.String(allow_none=True)
    can_remind = fields.Boolean()


class BoardSchema(Schema):
    """Who has answered, who has not, who is overdue."""

    ballot_id = fields.Integer()
    status = fields.String()
    deadline = fields.String()
    total = fields.Integer()
    counts = fields.Dict(keys=fields.String(), values=fields.Integer())
    rows = fields.List(fields.Nested(BoardRowSchema))
