// Offline reading: register the service worker (/sw.js, scope "/"), pre-cache what the server
// says this person may read, and purge the cache on withdrawal and on sign-out.
//
//   import { initOffline, purgeOfflineCache } from "/static/js/reader/offline.js";
//   initOffline();            // on the meeting page: pre-cache agenda + normal papers
//   await purgeOfflineCache(); // on the sign-out page, before leaving

import { getJSON } from "../http.js";

export const CACHE_PREFIX = "ecabinet-";
const MANIFEST_URL = "/api/v1/reader/offline-manifest";

function supported() {
  return "serviceWorker" in navigator && window.isSecureContext;
}

/** Register the service worker (idempotent); resolves to the registration or null. */
export async function registerServiceWorker() {
  if (!supported()) return null;
  try {
    await navigator.serviceWorker.register("/sw.js", { scope: "/" });
    return await navigator.serviceWorker.ready;
  } catch (error) {
    console.warn("service worker unavailable", error);
    return null;
  }
}

function ask(message, timeoutMs = 120_000) {
  // Round trip to the active worker over a MessageChannel; resolves with its reply.
  return new Promise((resolve, reject) => {
    navigator.serviceWorker.ready.then((registration) => {
      const worker = registration.active;
      if (!worker) return reject(new Error("no active service worker"));
      const channel = new MessageChannel();
      const timer = setTimeout(() => reject(new Error("service worker did not answer")), timeoutMs);
      channel.port1.onmessage = (event) => {
        clearTimeout(timer);
        resolve(event.data);
      };
      worker.postMessage(message, [channel.port2]);
    }, reject);
  });
}

/** Fetch the offline manifest and have the worker cache every URL in it (drops the rest). */
export async function precacheForUser() {
  if (!supported()) return null;
  const manifest = await getJSON(MANIFEST_URL);
  await registerServiceWorker();
  const result = await ask({ type: "precache", manifest });
  document.dispatchEvent(new CustomEvent("offline:precached", { detail: result }));
  return result;
}

/** Clear everything kept offline (sign-out): tell the worker, and delete from here too so it
 * works even when this page is not controlled by the worker. */
export async function purgeOfflineCache() {
  const jobs = [];
  if ("caches" in window) {
    jobs.push(
      caches.keys().then((keys) => Promise.all(keys.filter((k) => k.startsWith(CACHE_PREFIX)).map((k) => caches.delete(k)))),
    );
  }
  if ("serviceWorker" in navigator && navigator.serviceWorker.controller) {
    jobs.push(ask({ type: "purge" }, 5_000).catch(() => null));
  }
  await Promise.all(jobs);
}

/** Remove one paper (every version, reader page and file) from the offline cache. */
export async function purgePaper(paperId) {
  const id = Number(paperId);
  const pattern = new RegExp(`^(/papers/${id}/read|/meetings/papers/${id}/file)$`);
  if ("caches" in window) {
    const keys = (await caches.keys()).filter((k) => k.startsWith(CACHE_PREFIX));
    for (const key of keys) {
      const cache = await caches.open(key);
      for (const request of await cache.keys()) {
        if (pattern.test(new URL(request.url).pathname)) await cache.delete(request);
      }
    }
  }
  if ("serviceWorker" in navigator && navigator.serviceWorker.controller) {
    await ask({ type: "purge-paper", paperId: Number(paperId) }, 5_000).catch(() => null);
  }
}

/** True when `url` is in the offline cache. */
export async function isCached(url) {
  if (!("caches" in window)) return false;
  return Boolean(await caches.match(new URL(url, location.href).href));
}

/** Meeting page: register, pre-cache, and keep the cache in step with withdrawals. Updates an
 * element marked `data-offline-status` with the outcome, when the page has one. */
export async function initOffline({ socket = null } = {}) {
  const status = document.querySelector("[data-offline-status]");
  const say = (key) => {
    if (status) {
      status.dataset.state = key;
      status.textContent = status.dataset[`text${key[0].toUpperCase()}${key.slice(1)}`] || "";
    }
  };
  if (!supported()) return say("unsupported");
  if (!navigator.onLine) return say((await registerServiceWorker()) ? "offline" : "unsupported");
  say("saving");
  try {
    const result = await precacheForUser();
    say(result && result.failed === 0 ? "saved" : "partial");
  } catch {
    say("partial");
  }
  socket?.on?.("paper.withdrawn", (data) => purgePaper(data.paper_id));
  // A published paper or a new version changes the manifest: refresh it.
  for (const name of ["paper.added", "paper.version_added", "agenda.item_added", "agenda.item_removed"]) {
    socket?.on?.(name, () => precacheForUser().catch(() => null));
  }
  return null;
}
