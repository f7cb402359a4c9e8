// The secretariat's attendance board: mark present / absent (with leave and its reason, asked in
// a dialog), "all present", record deputies. The table is rendered by the server; after each
// change the page patches the changed row from a fresh copy (the current mark is the pressed
// button).

import { patch } from "../dom.js";
import { askDialog, confirmDialog } from "../dialog.js";
import { joinMeeting, on, request } from "../realtime.js";
import { strings, translator } from "../strings.js";
import { toast } from "../ui.js";
import { renderQuorum } from "./common.js";

const meetingId = Number(document.body.dataset.meetingId);
const S = strings("attendance-strings");
const t = translator("attendance-strings");

async function markLeave(btn, userId) {
  const reason = await askDialog(S.reason_label, {
    title: t("leave_title", { name: btn.dataset.name || "" }),
    confirmLabel: S.record,
    value: btn.dataset.reason || "",
  });
  if (reason === null) return;
  await request("attendance.mark", { meeting_id: meetingId, user_id: userId, presence: "absent", with_leave: true, leave_reason: reason });
}

document.addEventListener("click", async (ev) => {
  const btn = ev.target.closest("button[data-mark], button[data-deputy], #mark-all");
  if (!btn) return;
  const userId = Number(btn.dataset.userId);
  try {
    if (btn.id === "mark-all") {
      if (await confirmDialog(btn.dataset.confirmText, { title: btn.textContent.trim(), confirmLabel: btn.textContent.trim() })) {
        await request("attendance.mark_all", { meeting_id: meetingId });
      }
    } else if (btn.dataset.deputy) {
      await request("attendance.deputy", { meeting_id: meetingId, member_id: userId, deputy_id: Number(btn.dataset.deputy) });
    } else if (btn.dataset.mark === "leave") {
      await markLeave(btn, userId);
    } else {
      const mark = btn.dataset.mark;
      await request("attendance.mark", { meeting_id: meetingId, user_id: userId, presence: mark === "present" ? "present" : "absent", with_leave: false, leave_reason: "" });
    }
  } catch (err) {
    toast(err.message, "error", { key: "attendance" });
  }
});

// Several rows can change at once ("all present"): one fetch of the board serves them all.
let refreshing = null;
let again = false;
async function refreshRows() {
  if (refreshing) {
    again = true;
    return;
  }
  refreshing = (async () => {
    do {
      again = false;
      const html = await fetch(window.location.href, { credentials: "same-origin" }).then((r) => r.text());
      const doc = new DOMParser().parseFromString(html, "text/html");
      // Patched in place, not replaced: a tap on the row's buttons during the update still lands.
      doc.querySelectorAll("tr[data-user]").forEach((fresh) => {
        const row = document.querySelector(`tr[data-user="${fresh.dataset.user}"]`);
        if (row) patch(row, fresh);
      });
    } while (again);
  })();
  try {
    await refreshing;
  } finally {
    refreshing = null;
  }
}

on("attendance.updated", (p) => {
  if (p.meeting_id !== meetingId) return;
  renderQuorum(document.getElementById("quorum"), p.quorum);
  refreshRows();
});

// Opening or closing the session changes which marks are allowed: show the board for the new state.
on("meeting.state_changed", (p) => {
  if (p.meeting_id === meetingId) window.location.reload();
});

joinMeeting(meetingId, () => {});
