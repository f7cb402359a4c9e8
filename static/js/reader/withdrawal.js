// A paper withdrawn while it is open: the reader closes it at once (live event, or the snapshot
// after a reconnect shows it gone) and removes it from the offline cache.
import { purgePaper } from "./offline.js";
import { pageObserver } from "./pages.js";
import { thumbObserver } from "./thumbs.js";
import { $, meetingId, pagesEl, paperId, root, state, thumbsEl } from "./state.js";

/** Close the paper: drop its pages and thumbnails, free PDF.js, purge the offline copy. */
export async function closeWithdrawn() {
  if (!$("[data-gone]").hidden) return;
  $("[data-gone]").hidden = false;
  pageObserver.disconnect();
  thumbObserver.disconnect();
  pagesEl.replaceChildren();
  thumbsEl.replaceChildren();
  try {
    await state.doc?.destroy();
  } catch {
    /* already gone */
  }
  state.doc = null;
  await purgePaper(paperId);
  $("[data-gone] a")?.focus();
}

function paperIn(snapshot) {
  for (const item of snapshot?.items || []) {
    const found = (item.papers || []).find((p) => Number(p.id) === paperId);
    if (found) return found;
  }
  return null;
}

/** Follow the meeting: close the paper when it is withdrawn (now or while offline). */
export async function listenLive() {
  // The shared realtime client (one socket per tab); it re-joins after every reconnect and
  // hands over the full snapshot, so a withdrawal missed while offline is still noticed.
  try {
    const realtime = await import("../realtime.js");
    realtime.on("paper.withdrawn", (data) => {
      if (Number(data?.paper_id) === paperId) closeWithdrawn();
    });
    const follow = realtime.joinMeeting(meetingId, (snapshot) => {
      root.dataset.live = "joined";
      const mine = paperIn(snapshot);
      if (snapshot?.items && (!mine || mine.withdrawn)) closeWithdrawn();
    });
    follow.ready.catch(() => {
      root.dataset.live = "refused";
    });
  } catch (error) {
    console.warn("live updates unavailable", error);
  }
}
