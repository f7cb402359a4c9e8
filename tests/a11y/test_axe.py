"""Accessibility (issue 7): axe-core finds no serious or critical violation on any main page, and
a member can check in, vote and answer a ballot with the keyboard alone.

axe-core is the copy vendored from the npm registry (`static/vendor/axe/axe.min.js`, see
scripts/vendor-assets.sh), injected into each page by the test; the pages never load it.
Every page is set up through the feature services, in the state a person really meets it.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from functools import cached_property
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from cabinet.db import db, utcnow
from meetings import services as meeting_services
from meetings.live import services as live
from meetings.live.models import AttendanceMode
from meetings.models import ItemKind
from meetings.papers import add_paper
from records import services as records
from tests.conftest import ROOT, TABLET_LANDSCAPE, TABLET_PORTRAIT, screenshot
from tests.meetings.reader.conftest import make_pdf, upload
from tests.records.conftest import PASSPHRASES, issue_keystore
from voting.ballots import services as ballots
from voting.polls import services as polls
from voting.polls.models import PollKind

AXE = ROOT / "static" / "vendor" / "axe" / "axe.min.js"
BLOCKING = ("serious", "critical")
QUESTION = "Thông qua dự án Luật Đất đai (sửa đổi) để trình Quốc hội?"

# axe's default rule set (WCAG 2.0-2.2 A and AA, best practices), nothing switched off; only the
# impact decides what fails the test.
RUN_AXE = """async () => {
  const results = await axe.run(document, { resultTypes: ["violations"] });
  return results.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    targets: v.nodes.map((n) => ({ target: n.target.join(" "), impact: n.impact,
                                   summary: n.failureSummary })),
  }));
}"""


class World:
    """One cabinet and, built on demand, the meetings, votes, ballot and minutes a page needs."""

    def __init__(self, app: Any, cab: Any) -> None:
        self.app, self.cab = app, cab
        self.chair, self.sec = cab.chair, cab.secretariat
        self.member = cab.members[1]  # checked in when a session is open; answers the ballot

    def _commit(self, build: Callable[[], Any]) -> Any:
        with self.app.test_request_context():
            result = build()
            db.session.commit()
        return result

    def _create_meeting(self, title: str, days_ahead: int) -> Any:
        """A draft meeting with two items; the first has a paper for all and a restricted one."""
        meeting = meeting_services.create_meeting(
            {
                "title": title,
                "number": "03/2026",
                "starts_at": utcnow() + timedelta(days=days_ahead),
                "place": "Phòng họp Chính phủ, 1 Hoàng Hoa Thám, Hà Nội",
                "chair_id": self.chair.id,
                "invitee_ids": [self.cab.invitee.id],
            },
            actor=self.sec,
        )
        first = meeting_services.add_item(
            meeting,
            {
                "title": "Dự án Luật Đất đai (sửa đổi)",
                "summary": "Bộ Tài nguyên và Môi trường trình Chính phủ cho ý kiến.",
                "kind": ItemKind.DECISION,
                "ministry": "Bộ Tài nguyên và Môi trường",
                "presenter": "Bộ trưởng Bộ Tài nguyên và Môi trường",
                "planned_minutes": 30,
            },
            actor=self.sec,
        )
        meeting_services.add_item(
            meeting,
            {
                "title": "Báo cáo tình hình kinh tế - xã hội tháng 2",
                "kind": ItemKind.INFORMATION,
                "ministry": "Bộ Kế hoạch và Đầu tư",
                "planned_minutes": 20,
            },
            actor=self.sec,
        )
        paper = add_paper(
            first, title="Tờ trình dự án Luật", upload=upload("Tờ trình", 3), actor=self.sec
        )
        add_paper(
            first,
            title="Báo cáo đánh giá tác động (mật)",
            upload=upload("Báo cáo mật", 2),
            classification="restricted",
            reader_ids=[self.chair.id, self.member.id],
            actor=self.sec,
        )
        return meeting, paper

    @cached_property
    def draft(self) -> Any:
        """A meeting the secretariat is still preparing."""
        return self._commit(
            lambda: self._create_meeting("Phiên họp Chính phủ chuyên đề xây dựng pháp luật", 12)[0]
        )

    @cached_property
    def meeting(self) -> Any:
        """A published session with two items, their papers (one restricted) and an invitee."""

        def build() -> Any:
            meeting, self._paper = self._create_meeting(
                "Phiên họp Chính phủ thường kỳ tháng 3 năm 2026", 5
            )
            meeting_services.publish_meeting(meeting, actor=self.sec)
            return meeting

        return self._commit(build)

    @property
    def paper(self) -> Any:
        """The paper on the published meeting's first item that every member may read."""
        self.meeting  # noqa: B018  (built with the meeting)
        return self._paper

    @cached_property
    def session(self) -> Any:
        """The session in progress: four of five members in, one asking to speak, no vote yet."""

        def build() -> Any:
            meeting = self.meeting
            live.open_session(meeting, self.chair)
            for user in (self.chair, self.member, self.cab.members[2]):
                live.check_in(meeting, user, AttendanceMode.IN_ROOM)
            live.check_in(meeting, self.cab.members[3], AttendanceMode.REMOTE)
            self.floor = live.request_floor(meeting, self.cab.members[2], meeting.items[0])
            return meeting

        return self._commit(build)

    @cached_property
    def vote(self) -> Any:
        """The chair opens an open vote on item 1 and votes first."""

        def build() -> Any:
            poll = polls.open_poll(
                self.session,
                self.chair,
                item=self.session.items[0],
                question=QUESTION,
                kind=PollKind.OPEN,
            )
            polls.cast_vote(poll, self.chair, "approve", uuid.uuid4().hex)
            return poll

        return self._commit(build)

    def close_vote(self) -> Any:
        """The members present vote; the chair closes the vote (the session goes on)."""

        def build() -> Any:
            poll = self.vote
            for user, choice in zip(
                (self.member, self.cab.members[2], self.cab.members[3]),
                ("approve", "disapprove", "abstain"),
                strict=True,
            ):
                polls.cast_vote(poll, user, choice, uuid.uuid4().hex)
            return polls.close_poll(poll, self.chair)

        return self._commit(build)

    @cached_property
    def closed_session(self) -> Any:
        """The session held to its end (a speaker, a vote): the minutes can be drafted."""
        self.close_vote()

        def build() -> Any:
            meeting = self.session
            live.give_floor(meeting, self.chair, self.floor.id)
            live.finish_speaking(meeting, self.chair, self.floor.id)
            live.close_session(meeting, self.chair)
            return meeting

        return self._commit(build)

    @cached_property
    def minutes(self) -> Any:
        """Draft minutes of the closed session."""
        return self._commit(lambda: records.ensure_minutes(self.closed_session, self.sec))

    @cached_property
    def final_minutes(self) -> Any:
        """The minutes written up and finalized; the secretary (first to sign) has a keystore."""

        def build() -> Any:
            minutes = self.minutes
            records.save_minutes(
                minutes,
                {
                    "items.0.speakers.0.summary": "Đề nghị làm rõ quy định chuyển tiếp.",
                    "items.0.conclusion": "Chính phủ thống nhất thông qua dự án Luật.",
                    "items.0.decision": "Thông qua dự án Luật Đất đai (sửa đổi).",
                },
                version=minutes.version,
                actor=self.sec,
            )
            return records.finalize_minutes(minutes, actor=self.sec)

        minutes = self._commit(build)
        issue_keystore(self.sec, PASSPHRASES["secretary"])
        return minutes

    @cached_property
    def resolution(self) -> Any:
        """The session's resolution, drafted from the minutes."""
        return self._commit(lambda: records.draft_resolution(self.minutes.meeting, actor=self.sec))

    @cached_property
    def ballot(self) -> Any:
        """An opinion ballot, approved and sent, with two questions."""

        def build() -> Any:
            ballot = ballots.create_ballot(
                title="Dự thảo Nghị định về quản lý đầu tư công",
                background="<p>Bộ Kế hoạch và Đầu tư trình dự thảo Nghị định.</p>",
                questions=[
                    "Anh/chị có đồng ý thông qua dự thảo Nghị định?",
                    "Anh/chị có đồng ý hiệu lực thi hành từ ngày 01/7/2026?",
                ],
                by=self.sec,
                deadline=utcnow() + timedelta(days=5),
            )
            ballots.submit_for_approval(ballot, by=self.sec)
            ballots.approve_ballot(ballot, by=self.chair)
            return ballot

        return self._commit(build)

    @cached_property
    def closed_ballot(self) -> Any:
        """The ballot after its deadline: one member agreed, one had another opinion."""

        def build() -> Any:
            ballot = self.ballot
            first, second = (q.id for q in ballot.questions)
            answers = {
                self.member: [("agree", ""), ("agree", "")],
                self.cab.members[2]: [("agree", ""), ("other", "Hiệu lực từ 01/01/2027.")],
            }
            for user, (one, two) in answers.items():
                ballots.save_response(
                    ballot,
                    user,
                    [ballots.AnswerInput(first, *one), ballots.AnswerInput(second, *two)],
                    submit=True,
                )
            ballots.close_ballot(ballot, by=None)
            return ballot

        return self._commit(build)


State = tuple[str, Callable[[World, Page], None]]


@dataclass(frozen=True)
class Screen:
    """A main page: who opens it, where, what it waits for before axe looks, and the further
    states (a dialog opened, a result arrived) that axe looks at again on the same page."""

    user: Callable[[World], Any]
    path: Callable[[World], str]
    ready: Callable[[Page], None] = lambda page: None
    viewports: tuple[dict[str, int], ...] = (TABLET_LANDSCAPE,)
    then: tuple[State, ...] = ()


def _connected(page: Page) -> None:
    expect(page.locator("#conn-pill")).to_have_attribute("data-state", "connected")


def _live_ready(page: Page) -> None:
    _connected(page)
    expect(page.locator("body")).to_have_attribute("data-live", "ready")


def _tablet_ready(page: Page) -> None:
    _connected(page)
    expect(page.locator("#agenda .agenda__item")).to_have_count(2)
    expect(page.locator(".vote-panel__question")).to_have_text(QUESTION)


def _console_ready(page: Page) -> None:
    _connected(page)
    expect(page.locator("#agenda .agenda__item")).to_have_count(2)
    expect(page.locator("#vote-question")).to_have_text(QUESTION)
    expect(page.locator("#queue .queue__entry")).to_have_count(1)


def _attendance_ready(page: Page) -> None:
    _connected(page)
    expect(page.locator("#quorum [data-stat-value]")).to_contain_text("4")


def _reader_ready(page: Page) -> None:
    page.wait_for_selector('.pr-page[data-page="1"][data-rendered="true"]', timeout=20_000)


def _vote_closed(world: World, page: Page) -> None:
    world.close_vote()
    expect(page.locator("[data-result] .outcome")).to_be_visible()


def _notes_open(world: World, page: Page) -> None:
    page.get_by_role("button", name="Ghi chú").click()
    expect(page.get_by_label("Ghi chú cho trang")).to_be_visible()


def _publish_asked(world: World, page: Page) -> None:
    # ui.js asks the question: a tap before it runs would send the form without asking.
    expect(page.locator("html")).to_have_attribute("data-ui", "ready")
    page.get_by_role("button", name="Công bố").click()
    expect(page.locator("#confirm-dialog")).to_be_visible()


def _paper_managed(world: World, page: Page) -> None:
    page.locator("details.card summary").first.click()
    expect(page.get_by_role("button", name="Lưu độ mật").first).to_be_visible()


def _withdraw_asked(world: World, page: Page) -> None:
    page.get_by_role("button", name="Rút tài liệu").first.click()
    expect(page.locator("dialog[open]")).to_be_visible()


def _sign_asked(world: World, page: Page) -> None:
    page.get_by_role("button", name="Ký số").click()
    expect(page.locator("#sign-dialog")).to_be_visible()


def _verified(world: World, page: Page) -> None:
    pdf = {"name": "to-trinh.pdf", "mimeType": "application/pdf", "buffer": make_pdf("Tờ trình")}
    page.locator("#verify-file").set_input_files(files=[pdf])
    page.get_by_role("button", name="Kiểm tra", exact=True).click()
    expect(page.locator(".alert")).to_be_visible()


def _refused(world: World, page: Page) -> None:
    """Submit the form empty: the server sends it back with its errors."""
    page.locator("main form button[type=submit]").first.click()
    expect(page.locator("main [aria-invalid=true]").first).to_be_visible()


def _in_vote(world: World) -> Any:
    world.vote  # noqa: B018  (builds the open vote)
    return world.session


def _showing(data: Any, path: str) -> str:
    """`path`, once `data` (what the page lists) has been built."""
    return path


BOTH = (TABLET_LANDSCAPE, TABLET_PORTRAIT)
SCREENS: dict[str, Screen] = {
    # members and the chair, on tablets
    "sign-in": Screen(lambda w: None, lambda w: "/sign-in"),
    "my-meetings": Screen(
        lambda w: w.member, lambda w: _showing(w.meeting, "/meetings/my"), _connected, BOTH
    ),
    "meeting": Screen(lambda w: w.member, lambda w: f"/meetings/{w.meeting.id}", _live_ready, BOTH),
    "item": Screen(
        lambda w: w.member, lambda w: f"/meetings/items/{w.meeting.items[0].id}", _live_ready, BOTH
    ),
    "paper-reader": Screen(
        lambda w: w.member,
        lambda w: f"/papers/{w.paper.id}/read",
        _reader_ready,
        BOTH,
        (("notes", _notes_open),),
    ),
    "live-tablet": Screen(
        lambda w: w.member,
        lambda w: f"/meetings/{_in_vote(w).id}/live",
        _tablet_ready,
        BOTH,
        (("result", _vote_closed),),
    ),
    "chair-console": Screen(
        lambda w: w.chair,
        lambda w: f"/meetings/{_in_vote(w).id}/live/console",
        _console_ready,
        BOTH,
        (("result", _vote_closed),),
    ),
    "ballots": Screen(lambda w: w.member, lambda w: _showing(w.ballot, "/ballots/"), _connected),
    "ballot": Screen(lambda w: w.member, lambda w: f"/ballots/{w.ballot.id}", _connected, BOTH),
    # the secretariat, on a desktop at the smallest size it must work at
    "meetings-index": Screen(
        lambda w: w.sec, lambda w: _showing(w.draft, "/meetings/"), _connected
    ),
    "meeting-form": Screen(
        lambda w: w.sec, lambda w: "/meetings/new", then=(("errors", _refused),)
    ),
    "item-form": Screen(
        lambda w: w.sec,
        lambda w: f"/meetings/{w.draft.id}/items/new",
        then=(("errors", _refused),),
    ),
    "meeting-manage": Screen(
        lambda w: w.sec,
        lambda w: f"/meetings/{w.draft.id}/manage",
        _live_ready,
        then=(("publish-confirm", _publish_asked),),
    ),
    "item-manage": Screen(
        lambda w: w.sec,
        lambda w: f"/meetings/items/{w.draft.items[0].id}",
        _live_ready,
        then=(("paper-open", _paper_managed), ("withdraw-dialog", _withdraw_asked)),
    ),
    "attendance": Screen(
        lambda w: w.sec, lambda w: f"/meetings/{w.session.id}/live/attendance", _attendance_ready
    ),
    "ballot-form": Screen(lambda w: w.sec, lambda w: "/ballots/new", then=(("errors", _refused),)),
    "ballot-board": Screen(lambda w: w.sec, lambda w: f"/ballots/{w.ballot.id}/board", _connected),
    "ballot-summary": Screen(
        lambda w: w.sec, lambda w: f"/ballots/{w.closed_ballot.id}/summary", _connected
    ),
    "records": Screen(lambda w: w.sec, lambda w: _showing(w.minutes, "/records/"), _connected),
    "minutes-editor": Screen(
        lambda w: w.sec, lambda w: f"/records/meetings/{w.minutes.meeting_id}/minutes", _connected
    ),
    "minutes-signing": Screen(
        lambda w: w.sec,
        lambda w: f"/records/meetings/{w.final_minutes.meeting_id}/minutes",
        _connected,
        then=(("sign-dialog", _sign_asked),),
    ),
    "resolution": Screen(lambda w: w.sec, lambda w: f"/records/decisions/{w.resolution.id}"),
    "verify": Screen(lambda w: w.sec, lambda w: "/verify/", then=(("result", _verified),)),
}
CASES = [
    pytest.param(name, viewport, id=f"{name}-{viewport['width']}x{viewport['height']}")
    for name, screen in SCREENS.items()
    for viewport in screen.viewports
]


@pytest.fixture
def world(app, committed_db, make_cabinet) -> World:
    """A five-member cabinet (chair included) with secretariat, a deputy and an invitee."""
    return World(app, make_cabinet(n=5, deputies=1))


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """Run the vendored axe-core on the page as it is now; the violations it reports."""
    # The pages' CSP (script-src 'self') refuses inline scripts, which is what `path=` injects;
    # the vendored file is served by the app itself, so the page loads it from its own origin.
    assert AXE.exists(), "run scripts/vendor-assets.sh (make test does) to vendor axe-core"
    if not page.evaluate("() => 'axe' in window"):
        page.add_script_tag(url="/static/vendor/axe/axe.min.js")
    return page.evaluate(RUN_AXE)


def blocking(page: Page) -> list[dict[str, Any]]:
    """The serious and critical violations on the page as it is now."""
    return [v for v in axe_violations(page) if v["impact"] in BLOCKING]


def describe(violations: list[dict[str, Any]]) -> str:
    """One paragraph per violation: rule id, impact, help, and the elements it found."""
    lines = []
    for v in violations:
        lines.append(f"[{v['impact']}] {v['id']}: {v['help']}")
        lines += [
            f"    {n['target']}  ({n['summary'].splitlines()[-1].strip()})" for n in v["targets"]
        ]
    return "\n".join(lines)


# What a keyboard user lands on with Tab: its focus ring (its own outline or box-shadow ring, a
# card link's ::after, a radio card's body) and the size of what a finger would tap (a check's
# label).
FOCUSED = r"""() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  if (el.dataset.a11yWalked) return { again: true };
  el.dataset.a11yWalked = "1";
  const shown = el.matches(".choice input") ? el.nextElementSibling : el;
  // An outline, or a box-shadow ring (its spread), as scroll containers draw theirs inside.
  const spread = (shadow) => Math.max(0, ...shadow.split(/,(?![^(]*\))/).map((one) => {
    const px = one.match(/-?[\d.]+px/g) || [];
    return px.length === 4 ? parseFloat(px[3]) : 0;
  }));
  const ring = (style) => Math.max(
    style.outlineStyle !== "none" ? parseFloat(style.outlineWidth) : 0, spread(style.boxShadow));
  const box = (el.closest("label") || shown).getBoundingClientRect();
  const name = (el.getAttribute("aria-label") || el.textContent || el.value || "").trim();
  return {
    what: `${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""} “${name.slice(0, 40)}”`,
    ring: Math.max(ring(getComputedStyle(shown)), ring(getComputedStyle(shown, "::after"))),
    width: box.width, height: box.height,
  };
}"""
MIN_TARGET = 44  # px: docs/ui.md's small buttons; everything else is 48


def walk_focus(page: Page, limit: int = 80) -> list[str]:
    """Tab through the whole page once; what has no visible focus ring or is too small to tap."""
    problems = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused is None:
            continue
        if focused.get("again"):
            return problems
        if focused["ring"] < 2:
            problems.append(f"    {focused['what']}: no visible focus ring")
        if min(focused["width"], focused["height"]) < MIN_TARGET:
            size = f"{focused['width']:.0f}×{focused['height']:.0f}"
            problems.append(f"    {focused['what']}: a {size} px target")
    return problems + [f"    Tab never came back round after {limit} presses"]


@pytest.mark.parametrize(("name", "viewport"), CASES)
def test_no_serious_or_critical_violations(world, open_page, name, viewport):
    """axe finds nothing serious or critical, in each state; (landscape) every control Tab reaches
    shows its focus ring and is big enough to tap."""
    screen = SCREENS[name]
    user, path = screen.user(world), screen.path(world)
    page = open_page(user, viewport, path)
    screen.ready(page)
    size = f"{viewport['width']}x{viewport['height']}"

    def look(state: str) -> None:
        found[state] = blocking(page)
        if found[state]:  # what the page looked like, for whoever fixes it
            screenshot(page, f"a11y-{name}-{state}-{size}")

    found: dict[str, list[dict[str, Any]]] = {}
    look("loaded")
    if viewport is TABLET_LANDSCAPE:
        problems = walk_focus(page)
        assert not problems, f"keyboard walk on {name} ({path}):\n" + "\n".join(problems)
    for state, reach in screen.then:
        reach(world, page)
        look(state)
    report = "\n".join(
        f"axe on {name} ({path}), {state}:\n{describe(v)}" for state, v in found.items() if v
    )
    assert not report, report


def test_the_checks_catch_planted_faults(open_page):
    """The injected axe and the keyboard walk really check: an unlabelled field, low-contrast
    text, and a small button without a focus ring are all caught."""
    page = open_page(None, TABLET_LANDSCAPE, "/sign-in")
    page.evaluate(
        """() => {
          const form = document.querySelector("form");
          form.insertAdjacentHTML("beforeend",
            '<input type="text" name="planted"><p style="color:#ccc;background:#fff">Mờ</p>' +
            '<button type="button" style="outline:none;width:30px;height:30px">x</button>');
        }"""
    )
    found = {v["id"]: v for v in axe_violations(page)}
    assert found["label"]["impact"] == "critical"
    assert found["label"]["targets"][0]["target"] == 'input[type="text"]'
    assert found["color-contrast"]["impact"] == "serious"
    assert [p for p in walk_focus(page) if "button" in p] == [
        "    button “x”: no visible focus ring",
        "    button “x”: a 30×30 px target",
    ]


# ------------------------------------------------------------------------------ keyboard only

# The focused control's own outline, or for a big radio card the outline of its visible body.
FOCUS_RING = """() => {
  const el = document.activeElement;
  const shown = el.matches(".choice input") ? el.nextElementSibling : el;
  const style = getComputedStyle(shown);
  return style.outlineStyle !== "none" ? parseFloat(style.outlineWidth) : 0;
}"""


def tab_to(page: Page, selector: str, limit: int = 60) -> None:
    """Press Tab until `selector` has the focus (as a keyboard user would); its focus ring shows."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            assert page.evaluate(FOCUS_RING) >= 2, f"no visible focus ring on {selector}"
            return
    raise AssertionError(f"{selector} cannot be reached with Tab ({limit} presses)")


def test_member_checks_in_and_votes_by_keyboard(world, open_page):
    meeting = world.session
    latecomer = world.cab.members[4]
    page = open_page(latecomer, TABLET_LANDSCAPE, f"/meetings/{meeting.id}/live")
    _connected(page)
    expect(page.locator("#agenda .agenda__item")).to_have_count(2)

    tab_to(page, '[data-checkin="in_room"]')
    page.keyboard.press("Enter")
    expect(page.locator("#checkin-status")).to_have_text("Bạn đã điểm danh (tại phòng họp)")
    # The buttons go away once checked in; the focus stays on the answer, not lost on <body>.
    expect(page.locator("#checkin-status")).to_be_focused()

    world.vote  # noqa: B018  (the chair opens the vote; the tablet shows it)
    expect(page.locator(".vote-panel__question")).to_have_text(QUESTION)
    tab_to(page, 'input[name="choice"][value="approve"]')
    page.keyboard.press("Space")
    receipt = page.locator("[data-receipt]")
    expect(receipt).to_contain_text("Bạn đã chọn: Tán thành")
    page.keyboard.press("ArrowRight")  # an open vote may be changed until it closes
    expect(receipt).to_contain_text("Bạn đã chọn: Không tán thành")
    expect(page.locator('input[name="choice"][value="disapprove"]')).to_be_checked()

    found = blocking(page)
    screenshot(page, "a11y-keyboard-vote-cast")
    assert not found, f"axe on the tablet after voting:\n{describe(found)}"


def test_member_answers_a_ballot_by_keyboard(world, open_page):
    ballot = world.ballot
    first, second = ballot.questions
    page = open_page(world.member, TABLET_LANDSCAPE, f"/ballots/{ballot.id}")
    expect(page.get_by_role("heading", level=1)).to_have_text(ballot.title)

    tab_to(page, f'input[name="q{first.id}.choice"][value="agree"]')
    page.keyboard.press("Space")
    tab_to(page, f'input[name="q{second.id}.choice"]')
    page.keyboard.press("ArrowRight")  # "Không đồng ý": a comment becomes required
    expect(page.locator(f'input[name="q{second.id}.choice"][value="disagree"]')).to_be_checked()
    tab_to(page, 'button[value="submit"]')
    page.keyboard.press("Enter")

    # Refused without the comment: the focus lands in the field that needs it (the comment
    # editor that stands for the hidden textarea, voting/ballots comment-editor.js).
    comment = page.locator(f'[data-comment-editor="{second.id}"]')
    expect(comment).to_be_focused()
    expect(comment).to_have_attribute("aria-invalid", "true")
    found = blocking(page)
    assert not found, f"axe on the ballot with an error:\n{describe(found)}"
    page.keyboard.type("Đề nghị làm rõ nguồn vốn đối ứng của địa phương.")
    tab_to(page, 'button[value="submit"]')
    page.keyboard.press("Enter")
    expect(page.locator(".alert--success:not(.flash)")).to_contain_text("Anh/chị đã gửi ý kiến lúc")
    expect(page.locator(f'input[name="q{second.id}.choice"][value="disagree"]')).to_be_checked()
    screenshot(page, "a11y-keyboard-ballot-answered")
