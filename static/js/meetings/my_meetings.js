// "My meetings": a meeting published, unpublished or opened elsewhere shows up without a reload.
// The list is fetched again and updated in place (dom.js), so a tap on a meeting while it
// changes still opens it; a reload here would cancel the navigation the tap started.
import { morph } from "../dom.js";
import { on } from "../realtime.js";
import { enhance } from "../ui.js";

const region = document.querySelector("[data-my-meetings]");
let timer = null;

async function refresh() {
  if (!region) return;
  let html;
  try {
    const response = await fetch(window.location.href, { credentials: "same-origin", headers: { Accept: "text/html" } });
    if (!response.ok) return;
    html = await response.text();
  } catch {
    return; // offline: the reconnect brings the list up to date
  }
  const fresh = new DOMParser().parseFromString(html, "text/html").querySelector("[data-my-meetings]");
  if (!fresh) return;
  morph(region, fresh);
  enhance(region);
}

function soon() {
  // Several events may arrive together (publish + open): fetch the list once.
  window.clearTimeout(timer);
  timer = window.setTimeout(refresh, 400);
}

on("meeting.state_changed", soon);
document.addEventListener("realtime:reconnected", soon);
