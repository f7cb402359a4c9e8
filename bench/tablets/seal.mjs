// Secret ballots as the tablets seal them (static/js/live/secret.js): libsodium's
// crypto_box_seal of {"choice", "token"} to the vote's public key, base64.

import sodium from "libsodium-wrappers";

/** One sealed ballot per choice, sealed before the burst (each tablet seals on its own CPU). */
export async function sealAll(publicKey, choices) {
  await sodium.ready;
  const B64 = sodium.base64_variants.ORIGINAL;
  const key = sodium.from_base64(publicKey, B64);
  return choices.map((choice) => {
    const token = sodium.to_base64(sodium.randombytes_buf(16), sodium.base64_variants.URLSAFE_NO_PADDING);
    const body = sodium.from_string(JSON.stringify({ choice, token }));
    return sodium.to_base64(sodium.crypto_box_seal(body, key), B64);
  });
}
