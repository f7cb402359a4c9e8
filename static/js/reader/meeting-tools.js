// Meeting page tools: pre-cache for offline reading, and build/download the board pack with a
// progress bar fed by `boardpack.progress` events on the person's own socket room.
import { getJSON, postJSON } from "../http.js";
import { initOffline } from "./offline.js";

const box = document.getElementById("reader-tools");

async function boardPack() {
  const realtime = await import("../realtime.js");
  const meetingId = Number(box.dataset.meetingId);
  const build = box.querySelector("[data-pack-build]");
  const download = box.querySelector("[data-pack-download]");
  const progress = box.querySelector("[data-pack-progress]");
  const bar = progress.querySelector("progress");
  const percent = box.querySelector("[data-pack-percent]");
  const error = box.querySelector("[data-pack-error]");

  function show(status) {
    const ready = status.status === "ready";
    const building = status.status === "building";
    download.hidden = !ready;
    build.hidden = ready || building;
    progress.hidden = !building;
    bar.value = status.percent || 0;
    percent.textContent = `${status.percent || 0}%`;
  }

  realtime.connect();
  realtime.on("boardpack.progress", (data) => {
    if (Number(data.meeting_id) === meetingId) show({ status: "building", percent: data.percent });
  });
  realtime.on("boardpack.ready", (data) => {
    if (Number(data.meeting_id) === meetingId) show({ status: "ready", percent: 100 });
  });
  realtime.on("boardpack.failed", (data) => {
    if (Number(data.meeting_id) !== meetingId) return;
    error.hidden = false;
    show({ status: "absent" });
  });
  build.addEventListener("click", async () => {
    error.hidden = true;
    show({ status: "building", percent: 0 });
    try {
      show(await postJSON(box.dataset.statusUrl));
    } catch {
      error.hidden = false;
      show({ status: "absent" });
    }
  });
  try {
    show(await getJSON(box.dataset.statusUrl));
  } catch {
    /* offline: keep the button */
  }
}

if (box) {
  initOffline();
  boardPack();
}
