// The secretariat's attendance board: mark present / absent (with leave), record deputies.
// The table is rendered by the server; after each change the page reloads its rows.

import { patch } from "../dom.js";
import { joinMeeting, on, request } from "../realtime.js";
import { toast } from "../ui.js";
import { renderQuorum } from "./common.js";

const meetingId = Number(document.body.dataset.meetingId);

document.addEventListener("click", async (ev) => {
  const btn = ev.target.closest("button[data-mark], button[data-deputy]");
  if (!btn) return;
  const userId = Number(btn.dataset.userId);
  try {
    if (btn.dataset.deputy) {
      await request("attendance.deputy", { meeting_id: meetingId, member_id: userId, deputy_id: Number(btn.dataset.deputy) });
    } else {
      const mark = btn.dataset.mark;
      let reason = "";
      if (mark === "leave") reason = window.prompt(btn.textContent.trim()) || "";
      await request("attendance.mark", {
        meeting_id: meetingId,
        user_id: userId,
        presence: mark === "present" ? "present" : "absent",
        with_leave: mark === "leave",
        leave_reason: reason,
      });
    }
  } catch (err) {
    toast(err.message, "error");
  }
});

on("attendance.updated", async (p) => {
  if (p.meeting_id !== meetingId) return;
  renderQuorum(document.getElementById("quorum"), p.quorum);
  // Re-render the rows from the server (one small page, the source of truth).
  const html = await fetch(window.location.href, { credentials: "same-origin" }).then((r) => r.text());
  const doc = new DOMParser().parseFromString(html, "text/html");
  const fresh = doc.querySelector(`tr[data-user="${p.attendee.user_id}"]`);
  const row = document.querySelector(`tr[data-user="${p.attendee.user_id}"]`);
  // Patched in place, not replaced: a tap on the row's buttons during the update still lands.
  if (fresh && row) patch(row, fresh);
});

// Opening or closing the session changes which marks are allowed: show the board for the new state.
on("meeting.state_changed", (p) => {
  if (p.meeting_id === meetingId) window.location.reload();
});

joinMeeting(meetingId, () => {});
