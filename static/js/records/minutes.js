// Records pages: the minutes editor (save changed fields with the version they were based on;
// a 409 shows what the other editor changed), live comments over the meeting room, and the
// "Ký số" dialog that signs with the signing passphrase from this person's own session.
import { postJSON, putJSON } from "../http.js";
import { joinMeeting, on } from "../realtime.js";
import { toast, markUpdated, localizeTimes } from "../ui.js";

const body = document.body;

// ---- editor --------------------------------------------------------------------------------
const form = document.querySelector("[data-minutes-form]");
if (form) {
  const fields = [...form.querySelectorAll("[data-field]")];
  // The server's text (defaultValue), not el.value: an edit typed before this module ran must
  // still count as a change.
  fields.forEach((el) => { el.dataset.original = el.defaultValue; });
  const status = form.querySelector("[data-save-status]");
  const conflict = document.getElementById("conflict");

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const changes = {};
    fields.forEach((el) => { if (el.value !== el.dataset.original) changes[el.name] = el.value; });
    if (!Object.keys(changes).length) { toast(status?.dataset.nothing || "—", "info"); return; }
    const button = form.querySelector("[data-save]");
    button?.setAttribute("aria-busy", "true");
    const version = Number(body.dataset.minutesVersion);
    let saved;
    try {
      saved = await putJSON(form.dataset.saveUrl, { version, changes });
    } catch (err) {
      showProblem(conflict, { ...err.problem, title: err.title, detail: err.detail });
      return;
    } finally {
      button?.removeAttribute("aria-busy");
    }
    body.dataset.minutesVersion = saved.version;
    fields.forEach((el) => { el.dataset.original = el.value; });
    if (status) status.textContent = status.textContent.replace(/\d+$/, saved.version);
    conflict.hidden = true;
    toast(document.documentElement.lang === "en" ? "Saved." : "Đã lưu.", "success");
  });
}

function showProblem(box, problem) {
  box.hidden = false;
  box.className = "alert alert--error";
  box.setAttribute("role", "alert");
  box.replaceChildren();
  const text = document.createElement("div");
  text.className = "alert__body";
  const title = document.createElement("strong");
  title.className = "alert__title";
  title.textContent = problem.title || "";
  text.append(title, document.createTextNode(problem.detail || ""));
  const list = document.createElement("ul");
  (problem.their_changes || []).forEach((rev) => {
    rev.changes.forEach((change) => {
      const li = document.createElement("li");
      li.textContent = `${rev.author}: ${change.label} — “${change.new}”`;
      list.append(li);
    });
  });
  if (list.children.length) text.append(list);
  box.append(text);
  box.scrollIntoView({ block: "center" });
}

// ---- comments ------------------------------------------------------------------------------
const minutesId = Number(body.dataset.minutesId || 0);
function addComment(comment) {
  const list = document.querySelector(`[data-comments-for="${comment.item_id}"]`);
  if (!list || list.querySelector(`[data-comment-id="${comment.id}"]`)) return;
  const div = document.createElement("div");
  div.className = "minutes-comment";
  div.dataset.commentId = comment.id;
  const who = document.createElement("strong");
  who.textContent = comment.author;
  const text = document.createElement("p");
  text.className = "mb-0";
  text.textContent = comment.text;
  div.append(who, text);
  list.append(div);
  markUpdated(div);
}

document.querySelectorAll("[data-comment-form]").forEach((box) => {
  box.querySelector("[data-comment-send]").addEventListener("click", async () => {
    const area = box.querySelector("textarea");
    if (!area.value.trim()) { area.focus(); return; }
    const url = `/api/v1/records/minutes/${minutesId}/comments`;
    try {
      const comment = await postJSON(url, { item_id: Number(box.dataset.itemId), text: area.value });
      area.value = "";
      addComment(comment);
    } catch (err) {
      toast(err.detail, "error");
    }
  });
});

const meetingId = Number(body.dataset.meetingId || 0);
if (meetingId && minutesId) {
  joinMeeting(meetingId, () => {});
  on("minutes.comment_added", (data) => { if (data.minutes_id === minutesId) addComment(data.comment); });
  on("minutes.updated", (data) => {
    if (data.minutes_id !== minutesId || data.version === Number(body.dataset.minutesVersion)) return;
    const note = document.documentElement.lang === "en"
      ? "Someone else saved the minutes; saving now will show their changes."
      : "Người khác vừa lưu biên bản; khi bạn lưu sẽ thấy thay đổi của họ.";
    toast(note, "warning");
  });
  on("record.signed", (data) => { if (data.record_type === "minutes" && data.record_id === minutesId) window.location.reload(); });
}

// ---- signing -------------------------------------------------------------------------------
const signForm = document.querySelector("[data-sign-form]");
if (signForm) {
  const error = signForm.querySelector("[data-sign-error]");
  const input = signForm.querySelector('input[name="passphrase"]');
  signForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    const submit = signForm.querySelector("[data-sign-submit]");
    submit.disabled = true;
    submit.setAttribute("aria-busy", "true");
    error.hidden = true;
    try {
      await postJSON(signForm.dataset.signUrl, { passphrase: input.value });
    } catch (err) {
      error.textContent = err.detail;
      error.hidden = false;
      input.setAttribute("aria-invalid", "true");
      input.focus();
      return;
    } finally {
      submit.disabled = false;
      submit.removeAttribute("aria-busy");
    }
    input.value = "";
    signForm.closest("dialog")?.close();
    toast(document.documentElement.lang === "en" ? "Signed." : "Đã ký số.", "success");
    window.setTimeout(() => window.location.reload(), 600);
  });
}
localizeTimes(document);
