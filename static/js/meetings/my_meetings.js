// "My meetings": a meeting published, unpublished or opened elsewhere shows up without a reload.
import { on } from "../realtime.js";

let timer = null;
on("meeting.state_changed", () => {
  // Several events may arrive together (publish + open); reload the list once.
  window.clearTimeout(timer);
  timer = window.setTimeout(() => window.location.reload(), 400);
});
