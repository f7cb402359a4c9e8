"""The HTML door of ballots: a posted form becomes the data the API's schemas load, and the
schemas' errors become messages next to the form's fields.

Only what is particular to a web form happens here (a date and a time in two inputs of local
time, the empty extra question box, radio buttons per question); the rules are the schemas'.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from werkzeug.datastructures import FileStorage, MultiDict

from cabinet.config import settings
from cabinet.dates import local
from voting.ballots.models import Ballot

DEFAULT_TIME = "17:00"


def ballot_form_values(
    ballot: Ballot | None, *, default_deadline: datetime | None = None
) -> dict[str, Any]:
    """What the prepare form shows for `ballot` (or for a new one, with `default_deadline`)."""
    deadline = local(ballot.deadline if ballot else default_deadline)
    return {
        "title": ballot.title if ballot else "",
        "background": ballot.background if ballot else "",
        "questions": [q.text for q in ballot.questions] if ballot else [""],
        "deadline_date": deadline.date().isoformat(),
        "deadline_time": deadline.strftime("%H:%M"),
        "info_ids": [r.user_id for r in ballot.recipients if not r.votes] if ballot else [],
    }


def posted_ballot_values(form: MultiDict) -> dict[str, Any]:
    """What the prepare form shows again after a refusal: what was entered."""
    return {
        "title": form.get("title", ""),
        "background": form.get("background", ""),
        "questions": _questions(form),
        "deadline_date": form.get("deadline_date", ""),
        "deadline_time": form.get("deadline_time") or DEFAULT_TIME,
        "info_ids": [int(v) for v in form.getlist("info_ids") if v.isdigit()],
    }


def ballot_input(form: MultiDict) -> dict[str, Any]:
    """The posted prepare form as `BallotInputSchema` input (all cabinet members vote)."""
    return {
        "title": form.get("title", ""),
        "background": form.get("background", ""),
        "questions": _questions(form),
        "deadline": _deadline(form.get("deadline_date", ""), form.get("deadline_time") or ""),
        "info_ids": form.getlist("info_ids"),
    }


def _questions(form: MultiDict) -> list[str]:
    # The form always offers one more, empty, question box: an empty box is no question.
    return [q for q in form.getlist("questions") if q.strip()]


def _deadline(day: str, at: str) -> str:
    """The local date and time of the two inputs as one ISO 8601 moment with its offset."""
    try:
        moment = datetime.combine(
            date.fromisoformat(day),
            time.fromisoformat(at or DEFAULT_TIME),
            tzinfo=ZoneInfo(settings().timezone),
        )
    except ValueError:
        return f"{day}T{at}"  # not a date: the schema refuses it with its message
    return moment.isoformat()


def ballot_form_errors(fields: dict[str, Any]) -> dict[str, list[str]]:
    """Schema errors as lists of messages per form field; a question's errors name it."""
    return {
        name: list(_messages(problems, numbered=name == "questions"))
        for name, problems in fields.items()
    }


def _messages(problems: Any, *, numbered: bool, index: int | None = None) -> Iterator[str]:
    """Flatten marshmallow messages (the errors of a list's items come keyed by index)."""
    if isinstance(problems, dict):
        for key, nested in sorted(problems.items(), key=lambda kv: int(kv[0])):
            yield from _messages(nested, numbered=numbered, index=int(key))
    elif isinstance(problems, list | tuple):
        for problem in problems:
            yield from _messages(problem, numbered=numbered, index=index)
    elif numbered and index is not None:
        yield f"{_('Câu hỏi %(n)s', n=index + 1)}: {problems}"
    else:
        yield str(problems)


def response_input(form: MultiDict) -> dict[str, Any]:
    """The posted answer form as `ResponseInputSchema` input (one section per question)."""
    answers = [
        {
            "question_id": qid,
            "choice": form.get(f"q{qid}.choice") or None,
            "comment": form.get(f"q{qid}.comment", ""),
        }
        for qid in _answered_questions(form)
    ]
    return {"answers": answers, "submit": form.get("action") == "submit"}


def entered_answers(form: MultiDict) -> dict[int, dict[str, Any]]:
    """What the member entered, to show the answer form again after a refusal."""
    return {
        int(qid): {"choice": form.get(f"q{qid}.choice"), "comment": form.get(f"q{qid}.comment", "")}
        for qid in _answered_questions(form)
        if qid.isdigit()
    }


def answer_uploads(form: MultiDict, files: MultiDict) -> dict[int, dict[str, Any]]:
    """Per question: the uploaded `file` as (stream, name) or None, and `remove_file`."""
    uploads = {}
    for qid in _answered_questions(form):
        if not qid.isdigit():
            continue
        upload: FileStorage | None = files.get(f"q{qid}.file")
        uploads[int(qid)] = {
            "file": (upload.stream, upload.filename) if upload and upload.filename else None,
            "remove_file": form.get(f"q{qid}.remove_file") == "1",
        }
    return uploads


def _answered_questions(form: MultiDict) -> list[str]:
    # Each question's section carries a hidden `q<id>.present`, so an unanswered question
    # (no radio checked) is still part of the reply.
    return [
        key[1 : -len(".present")]
        for key in form
        if key.startswith("q") and key.endswith(".present")
    ]
