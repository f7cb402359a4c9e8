// Secret ballots on the tablet: sealed with libsodium (crypto_box_seal) to the vote's public
// key, so the server never sees the choice. Per poll the tablet keeps only what it needs:
// the client id and ciphertext until the cast is acked (to resend the very same ballot after a
// drop or a reload), and the receipt token until it has found it in the published list after
// the close. Never the choice. See docs/secret-votes.md.

const key = (meetingId) => `ecabinet.secret-receipt.${meetingId}`;
let sodiumLoad = null;

function sodium() {
  // Loaded on first use only: the WebAssembly build is ~300 kB and open votes never need it.
  sodiumLoad ||= import("../../vendor/libsodium/libsodium-wrappers.mjs").then(async (mod) => {
    const na = mod.default;
    await na.ready;
    return na;
  });
  return sodiumLoad;
}

/** Load libsodium as soon as a secret vote shows, so a tablet that drops can still seal. */
export function prepare() {
  sodium().catch(() => {
    sodiumLoad = null; // try again on the next call
  });
}

function load(meetingId) {
  try {
    return JSON.parse(localStorage.getItem(key(meetingId)) || "{}");
  } catch {
    return {};
  }
}

function save(meetingId, all) {
  if (Object.keys(all).length) localStorage.setItem(key(meetingId), JSON.stringify(all));
  else localStorage.removeItem(key(meetingId));
}

/** Forget what older versions kept ({client_id: choice}): the choice must not stay here. */
export function dropLegacy(meetingId) {
  localStorage.removeItem(`ecabinet.secret-cast.${meetingId}`);
}

/** The sealed ballot to send for `poll`: a fresh one, or the same one again if not yet acked. */
export async function sealBallot(meetingId, poll, choice) {
  const all = load(meetingId);
  const kept = all[poll.id];
  if (kept?.ciphertext) return kept;
  const na = await sodium();
  const B64 = na.base64_variants.ORIGINAL;
  const token = na.to_base64(na.randombytes_buf(16), na.base64_variants.URLSAFE_NO_PADDING);
  const body = na.from_string(JSON.stringify({ choice, token }));
  const sealed = na.crypto_box_seal(body, na.from_base64(poll.public_key, B64));
  const entry = { client_id: na.to_hex(na.randombytes_buf(16)), ciphertext: na.to_base64(sealed, B64), token };
  all[poll.id] = entry;
  save(meetingId, all);
  return entry;
}

/** A ballot sealed but not yet acked (the tablet dropped or reloaded), to resend as is. */
export function unsent(meetingId, pollId) {
  const kept = load(meetingId)[pollId];
  return kept?.ciphertext ? kept : null;
}

/** The cast is durable: keep only the receipt token. */
export function acked(meetingId, pollId) {
  const all = load(meetingId);
  if (all[pollId]) {
    delete all[pollId].ciphertext;
    delete all[pollId].client_id;
    save(meetingId, all);
  }
}

/** After the close: is our token in the published list? Then forget the token.
 *  Returns {status: "counted"|"missing", token (the first time only)} or null when this
 *  tablet did not vote. */
export function checkReceipt(meetingId, poll) {
  const ballots = poll?.result?.ballots;
  const all = load(meetingId);
  const kept = all[poll?.id];
  if (!kept || !ballots) return null;
  if (kept.checked) return { status: kept.checked };
  const found = ballots.some(([token]) => token === kept.token);
  // Only the outcome of the check stays (for a reload), never the token or the choice: the
  // token would find the choice in the published list.
  all[poll.id] = { checked: found ? "counted" : "missing" };
  save(meetingId, all);
  return { status: all[poll.id].checked, token: kept.token };
}

/** Forget everything about this meeting's secret votes (the meeting is over). */
export function forgetMeeting(meetingId) {
  localStorage.removeItem(key(meetingId));
}
