// Shared pieces of the live-session pages: strings, the quorum stat, results, the timer.

export const S = JSON.parse(document.getElementById("live-strings")?.textContent || "{}");

/** Fill "{n}"-style placeholders of a translated string. */
export function fmt(key, values = {}) {
  return (S[key] || key).replace(/\{(\w+)\}/g, (_, k) => String(values[k] ?? ""));
}

/** Escape text for insertion into HTML. */
export function esc(text) {
  const div = document.createElement("div");
  div.textContent = text ?? "";
  return div.innerHTML;
}

/** Update the quorum stat: "18 / 27", with the missing count or "quorum met". */
export function renderQuorum(root, quorum) {
  if (!root || !quorum) return;
  const value = root.querySelector("[data-stat-value]");
  const note = root.querySelector("[data-stat-note]");
  const box = root.querySelector(".stat");
  value.innerHTML = `${quorum.present} <small>/ ${quorum.all_members}</small>`;
  if (note) note.textContent = quorum.met ? S.quorum_met : fmt("quorum_missing", { n: quorum.missing });
  if (box) {
    box.classList.toggle("stat--ok", quorum.met);
    box.classList.toggle("stat--bad", !quorum.met);
  }
  root.dataset.quorumMet = String(quorum.met);
}

/** Start (or stop) an item timer from the server's numbers, whatever the tablet's clock says. */
export function renderTimer(el, current) {
  if (!el) return;
  if (!current) {
    el.removeAttribute("data-stopwatch");
    el.textContent = "";
    return;
  }
  el.dataset.planned = String(current.planned_minutes * 60);
  if (current.running_since) {
    const skew = Date.now() - new Date(current.server_now).getTime();
    const start = new Date(current.running_since).getTime() + skew - current.elapsed_seconds * 1000;
    el.dataset.stopwatch = new Date(start).toISOString();
  } else {
    el.removeAttribute("data-stopwatch");
    const s = current.elapsed_seconds;
    el.textContent = `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
  }
}

/** The outcome card of a closed vote. */
export function resultHTML(poll) {
  const r = poll.result;
  const pct = (n) => (r.eligible ? (100 * n) / r.eligible : 0).toFixed(1);
  let note = "";
  if (r.decided_by === "chair_tie") {
    const why = { secret: S.secret_tie, chair_approve: S.chair_tie, chair_disapprove: S.chair_tie }[r.tie_break] || S.chair_no_side;
    note = `<p class="mb-0">${esc(why)}</p>`;
  }
  return `
  <div class="stack" data-result data-passed="${r.passed}">
    <p class="muted mb-0">${esc(poll.question)}</p>
    <div class="outcome outcome--${r.passed ? "passed" : "rejected"}">${esc(r.passed ? S.passed : S.rejected)}</div>
    <div class="tally" aria-hidden="true">
      <span class="tally__seg tally__seg--approve" style="--value: ${pct(r.approve)}%"></span>
      <span class="tally__seg tally__seg--disapprove" style="--value: ${pct(r.disapprove)}%"></span>
      <span class="tally__seg tally__seg--abstain" style="--value: ${pct(r.abstain)}%"></span>
    </div>
    <p class="mb-0 tabular" data-counts>${esc(fmt("result_line", { a: r.approve, d: r.disapprove, x: r.abstain, n: r.not_voted }))}</p>
    <p class="muted small mb-0">${esc(fmt("rule_line", { r: r.required, b: r.base }))}</p>
    ${note}
  </div>`;
}
