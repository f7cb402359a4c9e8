// Small progressive enhancements shared by every page. Pages work without it; with it they
// get dialogs, confirmations, local times, live countdowns, toasts and the live connection.
//
//   import { toast, localizeTimes, markUpdated } from "/static/js/ui.js";
//   toast("Đã lưu", "success");

import { confirmDialog } from "./dialog.js";
import { t } from "./strings.js";

const TZ = "Asia/Ho_Chi_Minh";
const lang = () => (document.documentElement.lang || "vi").slice(0, 2);

/* ------------------------------------------------------------------ toasts */
// Every toast expires (an error stays longest); a page also takes a keyed toast away as soon as
// the state it was about changes (clearToast), so no stale red message outlives its cause.
const TOAST_TIME = { success: 5000, info: 6000, warning: 9000, error: 12000 };

/** Show a short message in the corner; kind: "success" | "info" | "warning" | "error".
 * With `key`, it replaces the previous toast of that key (one message per subject). */
export function toast(message, kind = "info", { timeout, key } = {}) {
  if (key) clearToast(key);
  let region = document.getElementById("toasts");
  if (!region) {
    region = document.createElement("div");
    region.id = "toasts";
    region.className = "toasts";
    region.setAttribute("role", "status");
    region.setAttribute("aria-live", "polite");
    document.body.append(region);
  }
  const el = document.createElement("div");
  el.className = `toast toast--${kind}`;
  if (key) el.dataset.toastKey = key;
  if (kind === "error") el.setAttribute("role", "alert");
  const text = document.createElement("div");
  text.className = "toast__text";
  text.textContent = message;
  const close = document.createElement("button");
  close.type = "button";
  close.className = "alert__close";
  close.setAttribute("aria-label", t("close"));
  close.innerHTML = iconHtml("x");
  close.addEventListener("click", () => el.remove());
  el.append(text, close);
  region.append(el);
  const ms = timeout ?? TOAST_TIME[kind] ?? 6000;
  if (ms > 0) window.setTimeout(() => el.remove(), ms);
  return el;
}

/** Take away the toasts about `key` (the state they were about has changed). */
export function clearToast(key) {
  document.querySelectorAll(`#toasts .toast[data-toast-key="${CSS.escape(key)}"]`).forEach((el) => el.remove());
}

function iconHtml(name) {
  const base = document.body.dataset.static || "/static/";
  return `<svg class="icon" aria-hidden="true" focusable="false"><use href="${base}img/icons.svg#${name}"></use></svg>`;
}

/** Briefly highlight an element changed by a live event (respects reduced motion via CSS). */
export function markUpdated(el) {
  if (!el) return;
  el.classList.remove("is-updated");
  void el.offsetWidth; // restart the animation
  el.classList.add("is-updated");
}

/* ----------------------------------------------------------------- dialogs */
function initDialogs(root = document) {
  root.addEventListener("click", (event) => {
    const opener = event.target.closest("[data-dialog-open]");
    if (opener) {
      const dialog = document.getElementById(opener.dataset.dialogOpen);
      if (dialog && typeof dialog.showModal === "function") {
        event.preventDefault();
        dialog.returnFocusTo = opener;
        dialog.showModal();
        dialog.querySelector("[autofocus], input:not([type=hidden]), textarea, select")?.focus();
      }
      return;
    }
    const closer = event.target.closest("[data-dialog-close]");
    if (closer) {
      closer.closest("dialog")?.close("cancel");
      return;
    }
    const back = event.target.closest("[data-history-back]");
    if (back) {
      event.preventDefault();
      if (window.history.length > 1) window.history.back();
      else window.location.assign("/");
      return;
    }
    const dismiss = event.target.closest("[data-dismiss]");
    if (dismiss) {
      const box = dismiss.closest(".alert, .flash, .toast");
      const next = box?.nextElementSibling || box?.previousElementSibling;
      box?.remove();
      // Keep keyboard focus somewhere sensible after the element vanished.
      (next?.querySelector("[data-dismiss]") || document.getElementById("main"))?.focus();
    }
  });
  // A click on the backdrop (outside the dialog box) closes it, as people expect on tablets.
  document.addEventListener("click", (event) => {
    const d = event.target;
    if (d instanceof HTMLDialogElement && d.open) {
      const r = d.getBoundingClientRect();
      const inside =
        event.clientX >= r.left && event.clientX <= r.right && event.clientY >= r.top && event.clientY <= r.bottom;
      if (!inside) d.close("cancel");
    }
  });
  document.addEventListener(
    "close",
    (event) => {
      const d = event.target;
      if (d instanceof HTMLDialogElement && d.returnFocusTo) {
        d.returnFocusTo.focus();
        d.returnFocusTo = null;
      }
    },
    true,
  );
}

export { askDialog, confirmDialog } from "./dialog.js";

function initConfirmForms() {
  document.addEventListener("submit", async (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement)) return;
    if (form.dataset.confirm && form.dataset.confirmed !== "1") {
      event.preventDefault();
      // Closing a modal dialog hands focus back to the button that opened it, and the tail of
      // the same Enter press can activate that button again: ignore submissions while asking.
      if (form.hasAttribute("data-confirming")) return;
      form.setAttribute("data-confirming", "");
      let yes = false;
      try {
        yes = await confirmDialog(form.dataset.confirm, {
          confirmLabel: form.dataset.confirmLabel,
          kind: form.dataset.confirmKind || "primary",
          detail: form.dataset.confirmDetail, // a warning under the question
        });
      } finally {
        window.setTimeout(() => form.removeAttribute("data-confirming"), 0);
      }
      if (yes) {
        form.dataset.confirmed = "1";
        form.requestSubmit(event.submitter || undefined); // dispatches "submit" synchronously
        delete form.dataset.confirmed; // the next submission asks again
      }
      return;
    }
    if (event.defaultPrevented || form.method === "dialog" || form.hasAttribute("data-no-busy")) return;
    // Stop double submissions from a second tap while the page loads.
    const button = event.submitter || form.querySelector("button[type=submit], button:not([type])");
    if (button) {
      // After every other submit listener ran: a form handled by script stays untouched.
      window.setTimeout(() => {
        if (event.defaultPrevented) return;
        button.setAttribute("aria-busy", "true");
        button.disabled = true;
      }, 0);
    }
  });
  // Coming back with the browser's back button restores a frozen page: re-enable its buttons.
  window.addEventListener("pageshow", (event) => {
    if (!event.persisted) return;
    document.querySelectorAll("button[aria-busy=true]").forEach((b) => {
      b.removeAttribute("aria-busy");
      b.disabled = false;
    });
    document.querySelectorAll("form[data-confirmed]").forEach((f) => delete f.dataset.confirmed);
  });
}

/* ------------------------------------------------------------------- times */
const FORMATS = {
  datetime: { dateStyle: "medium", timeStyle: "short" },
  date: { dateStyle: "medium" },
  longdate: { weekday: "long", day: "numeric", month: "long", year: "numeric" },
  time: { timeStyle: "short" },
  full: { weekday: "long", day: "numeric", month: "long", year: "numeric", hour: "2-digit", minute: "2-digit" },
};

/** Format a Date for the page language in Vietnam's time zone. */
export function formatDate(date, format = "datetime") {
  const locale = lang() === "en" ? "en-GB" : "vi-VN";
  return new Intl.DateTimeFormat(locale, { timeZone: TZ, ...(FORMATS[format] || FORMATS.datetime) }).format(date);
}

function duration(ms) {
  const s = Math.max(0, Math.round(ms / 1000));
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (d > 0) return [t("days", { n: d }), h ? t("hours", { n: h }) : ""].filter(Boolean).join(" ");
  if (h > 0) return [t("hours", { n: h }), m ? t("minutes", { n: m }) : ""].filter(Boolean).join(" ");
  if (m > 0) return t("minutes", { n: m });
  return t("seconds", { n: s % 60 });
}

/** Rewrite every <time datetime data-format> under root in local wording. */
export function localizeTimes(root = document) {
  root.querySelectorAll("time[datetime][data-format]").forEach((el) => {
    const date = new Date(el.getAttribute("datetime"));
    if (Number.isNaN(date.getTime())) return;
    const fmt = el.dataset.format;
    if (fmt === "relative") {
      const diff = date.getTime() - Date.now();
      el.textContent = Math.abs(diff) < 45000 ? t("now") : diff > 0 ? t("in", { t: duration(diff) }) : t("ago", { t: duration(-diff) });
      el.title = formatDate(date, "full");
    } else {
      el.textContent = formatDate(date, fmt);
    }
  });
}

/* -------------------------------------------------------------- countdowns */
function tickCountdowns() {
  const now = Date.now();
  document.querySelectorAll("[data-countdown]").forEach((el) => {
    const end = new Date(el.dataset.countdown).getTime();
    if (Number.isNaN(end)) return;
    const left = end - now;
    if (!el.title) el.title = formatDate(new Date(end), "full");
    if (left <= 0) {
      el.textContent = t("expired");
      el.classList.add("countdown--over");
      el.classList.remove("countdown--soon");
      if (!el.dataset.ended) {
        el.dataset.ended = "1";
        el.dispatchEvent(new CustomEvent("countdown:end", { bubbles: true }));
      }
      return;
    }
    el.textContent = t("left", { t: duration(left) });
    el.classList.toggle("countdown--soon", left < 24 * 3600 * 1000);
  });
  // data-stopwatch="ISO start" [data-planned="seconds"]: elapsed mm:ss, red once over plan.
  document.querySelectorAll("[data-stopwatch]").forEach((el) => {
    const start = new Date(el.dataset.stopwatch).getTime();
    if (Number.isNaN(start)) return;
    const s = Math.max(0, Math.floor((now - start) / 1000));
    const mmss = `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
    const planned = Number(el.dataset.planned || 0);
    el.textContent = planned ? `${mmss} / ${Math.floor(planned / 60)}:${String(planned % 60).padStart(2, "0")}` : mmss;
    el.classList.toggle("timer--over", planned > 0 && s > planned);
  });
}

/* ------------------------------------------------------------------ tables */
/** Copy each column header into its cells' data-label so stacked (portrait) rows stay labelled. */
export function labelTables(root = document) {
  root.querySelectorAll("table.table--stack").forEach((table) => {
    const heads = [...table.querySelectorAll("thead th")].map((th) => th.textContent.trim());
    table.querySelectorAll("tbody tr").forEach((tr) => {
      [...tr.children].forEach((cell, i) => {
        if (!cell.hasAttribute("data-label") && heads[i]) cell.setAttribute("data-label", heads[i]);
      });
    });
  });
}

/* -------------------------------------------------------------------- boot */
/** Re-run the enhancements on content inserted by a live update. */
export function enhance(root = document) {
  localizeTimes(root);
  labelTables(root);
}

async function startRealtime() {
  if (!document.body.dataset.userId || !document.getElementById("conn-pill")) return;
  const realtime = await import("./realtime.js");
  realtime.connect();
  realtime.on("notification", (n) => toast(n.message || n.title || "", n.kind || "info"));
  // One "reconnected" toast, however often the link comes back (they used to pile up).
  document.addEventListener("realtime:reconnected", () =>
    toast(t("reconnected"), "success", { key: "reconnected" }),
  );
  window.__realtime = realtime; // for browser tests and the console; not an API for pages
}

function boot() {
  initDialogs();
  initConfirmForms();
  enhance();
  tickCountdowns();
  window.setInterval(tickCountdowns, 1000);
  window.setInterval(() => localizeTimes(), 60000);
  startRealtime();
  // From here on a tap on a data-confirm button asks first (before, the form goes as it would
  // without scripts); browser tests wait for this mark before such taps.
  document.documentElement.dataset.ui = "ready";
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", boot);
else boot();
