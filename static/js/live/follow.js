// Follow the presenter from the live screen: what the room is shown (a paper this person may
// read, at a page) is named under the banner with a link; "Theo dõi trình chiếu" opens it at
// that page now and whenever the presenter moves on (the reader keeps following, reader/follow.js).
import { joinMeeting, on } from "../realtime.js";

const bar = document.getElementById("follow-bar");
const meetingId = Number(document.body.dataset.meetingId);
const KEY = `ecabinet.follow.${meetingId}`;
let shown = null;

const following = () => localStorage.getItem(KEY) === "1";

function render(inSession) {
  if (inSession !== undefined) bar.hidden = !inSession;
  const button = bar.querySelector("[data-follow]");
  button.setAttribute("aria-pressed", String(following()));
  const link = bar.querySelector("[data-follow-link]");
  link.hidden = !shown;
  bar.querySelector("[data-follow-none]").hidden = Boolean(shown);
  if (shown) {
    link.href = `${shown.reader_url}#page=${shown.page}`;
    link.textContent = bar.dataset.showing.replace("{title}", shown.title).replace("{n}", shown.page);
  }
}

function open() {
  if (shown && following()) location.assign(`${shown.reader_url}#page=${shown.page}`);
}

if (bar) {
  joinMeeting(meetingId, (snapshot) => {
    shown = snapshot?.presenting || null;
    render(snapshot?.meeting?.state === "in_session");
    open();
  });
  on("presenter.shown", (p) => {
    if (Number(p.meeting_id) !== meetingId) return;
    shown = p;
    render();
    open();
  });
  on("presenter.stopped", (p) => {
    if (Number(p.meeting_id) !== meetingId) return;
    shown = null;
    render();
  });
  on("meeting.state_changed", (p) => {
    if (Number(p.meeting_id) === meetingId) render(p.state === "in_session");
  });
  bar.querySelector("[data-follow]").addEventListener("click", () => {
    if (following()) localStorage.removeItem(KEY);
    else localStorage.setItem(KEY, "1");
    render();
    open();
  });
}
