"""The summary of opinions ("Báo cáo tổng hợp ý kiến"): counts, outcome, PDF, decision record.

The outcome of each question comes from `voting.rules.tally_ballot`, the same function that
decides live votes, with the configured non-reply policy.
"""

from __future__ import annotations

import json
from typing import Any

from flask import render_template
from flask_babel import force_locale, gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from cabinet.config import settings
from cabinet.db import db, utcnow
from cabinet.pdf import PdfAttachment, render_pdf
from cabinet.plaintext import plain_tree
from cabinet.storage import ContentStore
from cabinet.users.models import Role
from voting.ballots.models import AnswerChoice, Ballot, BallotResponse, ResponseStatus
from voting.ballots.notices import ballot_url
from voting.rules import Outcome, Rule, tally_ballot

DECIDED_BY_TEXT = {
    "majority": "đạt đa số theo quy định",
    "insufficient": "không đủ số ý kiến đồng ý theo quy định",
    "chair_tie": "số ý kiến đồng ý và không đồng ý bằng nhau, quyết định theo ý kiến của Thủ tướng",
    "no_quorum": "không đủ số thành viên",
}
NONREPLY_TEXT = {
    "no_reply": "Thành viên không trả lời được tính là không đồng ý thông qua",
    "agree": "Thành viên không trả lời được tính là đồng ý",
    "abstain": "Thành viên không trả lời được tính là không biểu quyết",
}


def submitted_responses(ballot: Ballot) -> dict[int, BallotResponse]:
    """Submitted replies by user id (drafts are not opinions)."""
    rows = db.session.scalars(
        select(BallotResponse).where(
            BallotResponse.ballot_id == ballot.id, BallotResponse.status == ResponseStatus.SUBMITTED
        )
    )
    return {r.user_id: r for r in rows}


def question_results(ballot: Ballot, nonreply_policy: str | None = None) -> list[dict[str, Any]]:
    """Per question: counts, each member's answer and comment, non-replies and the outcome."""
    config = settings()
    policy = nonreply_policy or config.nonreply_policy
    rule = Rule.from_settings(config)
    responses = submitted_responses(ballot)
    voters = ballot.voters
    results = []
    for question in ballot.questions:
        answers, missing = [], []
        chair_answer = None
        for recipient in voters:
            response = responses.get(recipient.user_id)
            answer = response.answer_for(question.id) if response else None
            if answer is None or answer.choice is None:
                missing.append(recipient.user)
                continue
            answers.append(
                {
                    "user": recipient.user,
                    "choice": answer.choice,
                    "comment": answer.comment,
                    "file": answer.file_name,
                }
            )
            if recipient.user.has_role(Role.CHAIR):
                chair_answer = answer.choice.value
        counts = {c.value: sum(1 for a in answers if a["choice"] is c) for c in AnswerChoice}
        counts["no_reply"] = len(missing)
        outcome = tally_ballot(
            [a["choice"].value for a in answers],
            rule,
            all_members=len(voters),
            nonreply_policy=policy,
            chair_answer=chair_answer,
        )
        results.append(
            {
                "question": question,
                "answers": answers,
                "missing": missing,
                "counts": counts,
                "outcome": outcome,
                "chart": _chart(counts, len(voters)),
            }
        )
    return results


def _chart(counts: dict[str, int], total: int) -> list[dict[str, Any]]:
    """Bar geometry for the inline SVG chart (widths in percent of the whole cabinet)."""
    labels = [
        ("agree", _l("Đồng ý"), "#1f7a4d"),
        ("disagree", _l("Không đồng ý"), "#b42318"),
        ("other", _l("Ý kiến khác"), "#b54708"),
        ("no_reply", _l("Không trả lời"), "#98a2b3"),
    ]
    return [
        {
            "key": key,
            "label": label,
            "color": color,
            "count": counts[key],
            "width": round(100 * counts[key] / total, 1) if total else 0,
        }
        for key, label, color in labels
    ]


def outcome_text(outcome: Outcome) -> str:
    """The outcome in a sentence for the summary."""
    verdict = "Được thông qua" if outcome.passed else "Không được thông qua"
    return (
        f"{verdict}: {outcome.approve}/{outcome.base} ý kiến đồng ý "
        f"(cần tối thiểu {outcome.required}); {DECIDED_BY_TEXT[outcome.decided_by]}."
    )


#: The same reasons for a page in the person's language (the record keeps the Vietnamese above).
DECIDED_BY_LABELS = {
    "majority": _l("đạt đa số theo quy định"),
    "insufficient": _l("không đủ số ý kiến đồng ý theo quy định"),
    "chair_tie": _l(
        "số ý kiến đồng ý và không đồng ý bằng nhau, quyết định theo ý kiến của Thủ tướng"
    ),
    "no_quorum": _l("không đủ số thành viên"),
}


def outcome_label(outcome: Outcome) -> str:
    """`outcome_text` in the language of the page (the on-screen summary)."""
    verdict = gettext("Được thông qua") if outcome.passed else gettext("Không được thông qua")
    return gettext(
        "%(verdict)s: %(approve)s/%(base)s ý kiến đồng ý (cần tối thiểu %(required)s); %(why)s.",
        verdict=verdict,
        approve=outcome.approve,
        base=outcome.base,
        required=outcome.required,
        why=DECIDED_BY_LABELS[outcome.decided_by],
    )


def ballot_record(ballot: Ballot) -> dict[str, Any]:
    """Everything the records package needs to render and sign the decision of a ballot."""
    config = settings()
    conclusion = ballot.conclusion
    return {
        "kind": "ballot",
        "ballot_id": ballot.id,
        "title": ballot.title,
        "background": ballot.background,
        "status": ballot.status.value,
        "sent_at": ballot.sent_at.isoformat() if ballot.sent_at else None,
        "deadline": ballot.deadline.isoformat(),
        "closed_at": ballot.closed_at.isoformat() if ballot.closed_at else None,
        "url": ballot_url(ballot),
        "nonreply_policy": config.nonreply_policy,
        "approved_by": _person(ballot.approved_by),
        "papers": [
            {"title": p.title, "sha256": p.sha256, "classification": p.classification}
            for p in ballot.papers
        ],
        "questions": [
            {
                "position": r["question"].position + 1,
                "text": r["question"].text,
                "counts": r["counts"],
                "outcome": r["outcome"].as_dict(),
                "outcome_text": outcome_text(r["outcome"]),
                "answers": [
                    {
                        **_person(a["user"]),
                        "choice": a["choice"].value,
                        "choice_label": str(a["choice"].label),
                        "comment": a["comment"],
                    }
                    for a in r["answers"]
                ],
                "non_replies": [_person(u) for u in r["missing"]],
            }
            for r in question_results(ballot)
        ],
        "proposal": ballot.proposal,
        "conclusion": None
        if conclusion is None
        else {
            "text": conclusion.text,
            "outcome": conclusion.outcome.value,
            "outcome_label": str(conclusion.outcome.label),
            "decided_by": _person(conclusion.decided_by),
            "decided_at": conclusion.decided_at.isoformat(),
        },
    }


def _person(user: Any) -> dict[str, Any]:
    if user is None:
        return {}
    return {"user_id": user.id, "name": user.name, "title": user.title, "ministry": user.ministry}


def store_summary(ballot: Ballot) -> str:
    """Render the summary of opinions once (at the conclusion) and keep it: every later
    download is the same file, which can be verified and archived."""
    ballot.summary_sha256 = ContentStore(settings().storage_dir).put_bytes(
        render_summary_pdf(ballot)
    )
    return ballot.summary_sha256


def summary_pdf_bytes(ballot: Ballot) -> bytes:
    """The stored summary once the ballot is concluded; before that, a fresh working copy."""
    if ballot.summary_sha256:
        with ContentStore(settings().storage_dir).open(ballot.summary_sha256) as handle:
            return handle.read()
    return render_summary_pdf(ballot)


def render_summary_pdf(ballot: Ballot) -> bytes:
    """The summary of opinions as a PDF/A in Vietnamese, with the JSON record embedded."""
    config = settings()
    with force_locale("vi"):  # the record is Vietnamese whatever the reader's language
        html = render_template(
            "ballots/summary_pdf.html",
            ballot=ballot,
            results=question_results(ballot),
            outcome_text=outcome_text,
            nonreply_text=NONREPLY_TEXT[config.nonreply_policy],
            generated_at=utcnow(),
        )
    # The machine-read twin carries text, never markup (comments and conclusions are HTML).
    record = json.dumps(plain_tree(ballot_record(ballot)), ensure_ascii=False, indent=2).encode()
    return render_pdf(
        html,
        title=f"Báo cáo tổng hợp ý kiến — {ballot.title}",
        attachments=[
            PdfAttachment(
                name="tong-hop-y-kien.json",
                data=record,
                mime="application/json",
                description="Dữ liệu tổng hợp ý kiến (JSON)",
            )
        ],
    )
