// What the connection looks like on the page: the header's status pill (with the count of
// actions waiting to be sent), its screen-reader announcement, and the way back to sign-in.

/** Show connection `state` in #conn-pill; announce changes (not the first connect of a page). */
export function renderPill(state, previous) {
  const pill = document.getElementById("conn-pill");
  if (!pill) return;
  pill.dataset.state = state;
  const label = pill.dataset[`label${state[0].toUpperCase()}${state.slice(1)}`] || state;
  const text = pill.querySelector(".conn-pill__text");
  if (text) text.textContent = label;
  const announcer = document.getElementById("conn-announcer");
  if (announcer && !(state === "connected" && previous === "connecting")) {
    announcer.textContent = label;
  }
}

/** The small counter of queued (not yet acknowledged) actions on the pill. */
export function renderPendingBadge(count) {
  const badge = document.querySelector("#conn-pill .conn-pill__pending");
  if (badge) {
    badge.hidden = count === 0;
    badge.textContent = String(count);
  }
}

/** The session is gone: to the sign-in page, coming back here afterwards. */
export function goToSignIn() {
  const login = document.body.dataset.loginUrl || "/sign-in";
  const here = window.location.pathname + window.location.search;
  if (window.location.pathname === new URL(login, window.location.href).pathname) return;
  window.location.assign(`${login}?next=${encodeURIComponent(here)}`);
}
