// Follow the presenter. The secretariat (or the presenting ministry) presses "Trình chiếu":
// each page they turn to is shown to the room (`presenter.show`). A member who presses
// "Theo dõi trình chiếu" turns with them: the same paper goes to that page, another paper
// opens at its page. Following is remembered per meeting on the tablet, survives a reload and
// a reconnect (the snapshot carries what is shown), and is left with the same button.
import { goTo } from "./pages.js";
import { $, meetingId, paperId, root, state } from "./state.js";

const followButton = $('[data-action="follow"]');
const presentButton = $('[data-action="present"]');
const KEY = `ecabinet.follow.${meetingId}`;
let realtime = null;
let shown = null; // what the room is shown now, as this person may know it
let presenting = false;
let timer = 0;

const following = () => localStorage.getItem(KEY) === "1";

function mark() {
  root.dataset.follow = following() ? "on" : "off";
  followButton.setAttribute("aria-pressed", String(following()));
  presentButton.setAttribute("aria-pressed", String(presenting));
  root.dataset.presenting = presenting ? "on" : "off";
}

/** Open what the room is shown: this paper at its page, or the other paper at its page. */
function turnTo(p) {
  if (!p || presenting || !following()) return;
  if (Number(p.paper_id) !== paperId) {
    location.assign(`${p.reader_url}#page=${p.page}`);
  } else if (state.pages.length) {
    goTo(p.page);
  } else {
    history.replaceState(null, "", `#page=${p.page}`); // read by open() once the paper is laid out
  }
}

function onSnapshot(snapshot) {
  const live = snapshot?.meeting?.state === "in_session";
  followButton.hidden = !live;
  presentButton.hidden = !live || root.dataset.mayPresent !== "true";
  shown = snapshot?.presenting || null;
  turnTo(shown);
}

async function show(page) {
  try {
    const ack = await realtime.request("presenter.show", { meeting_id: meetingId, paper_id: paperId, page });
    root.dataset.presented = String(ack.presenting.page);
  } catch (error) {
    presenting = false;
    mark();
    const { toast } = await import("../ui.js");
    toast(error.message, "error");
  }
}

function togglePresent() {
  presenting = !presenting;
  if (presenting) localStorage.removeItem(KEY); // the presenter leads, and does not follow
  mark();
  if (presenting) show(state.current);
  else realtime.request("presenter.stop", { meeting_id: meetingId }).catch(() => {});
}

function toggleFollow() {
  if (following()) localStorage.removeItem(KEY);
  else localStorage.setItem(KEY, "1");
  mark();
  turnTo(shown); // coming back to following: straight to where the room is
}

/** Join the meeting for the presenter's events and wire the two buttons. */
export async function initFollow() {
  mark();
  try {
    realtime = await import("../realtime.js");
  } catch {
    return;
  }
  realtime.on("presenter.shown", (p) => {
    if (Number(p.meeting_id) !== meetingId) return;
    shown = p;
    turnTo(p);
  });
  realtime.on("presenter.stopped", (p) => {
    if (Number(p.meeting_id) === meetingId) shown = null;
  });
  realtime.joinMeeting(meetingId, onSnapshot);
  followButton.addEventListener("click", toggleFollow);
  presentButton.addEventListener("click", togglePresent);
  root.addEventListener("reader:pagechange", (event) => {
    if (!presenting) return;
    clearTimeout(timer); // one message per page reached, not one per page scrolled past
    timer = setTimeout(() => show(event.detail.page), 120);
  });
}
