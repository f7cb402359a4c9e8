// e-Cabinet service worker: offline reading of agendas and papers on tablets.
//
// What is cached is decided by the server (GET /api/v1/reader/offline-manifest, posted here by
// the page as {type: "precache", manifest}): the app shell, the agenda pages and the normal
// papers of published meetings this person may read. Classified papers are never in it
// (watermarked per reader, withdrawable at once), and nothing else is cached at runtime except
// refreshes of pages that were pre-cached.
//
// Strategies: pages network-first with cache fallback; static files cache-first; paper files
// (URLs carry the version number, so they never change) cache-first, with Range support.
// Purges: {type: "purge"} (sign-out), {type: "purge-paper", paperId} (withdrawal), and a
// 403/404/410 from the network for a paper's page or file.

const PREFIX = "ecabinet-";
const SHELL = `${PREFIX}shell-v1`;
const PAGES = `${PREFIX}pages-v1`;
const PAPERS = `${PREFIX}papers-v1`;
const CURRENT = new Set([SHELL, PAGES, PAPERS]);
// The reader page (/papers/<id>/read) and the paper file (/meetings/papers/<id>/file?v=N).
const READER_PATH = /^\/papers\/(\d+)\/read$/;
const FILE_PATH = /^\/meetings\/papers\/(\d+)\/file$/;

function paperIdOf(url) {
  const { pathname } = new URL(url, self.location.origin);
  const match = READER_PATH.exec(pathname) || FILE_PATH.exec(pathname);
  return match ? Number(match[1]) : null;
}

self.addEventListener("install", () => self.skipWaiting());

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      const keys = await caches.keys();
      await Promise.all(keys.filter((k) => k.startsWith(PREFIX) && !CURRENT.has(k)).map((k) => caches.delete(k)));
      await self.clients.claim();
    })(),
  );
});

function kindOf(url) {
  const u = new URL(url, self.location.origin);
  if (u.pathname.startsWith("/static/")) return SHELL;
  return FILE_PATH.test(u.pathname) ? PAPERS : PAGES;
}

function storable(response) {
  if (!response || !response.ok || response.status !== 200 || response.type === "opaqueredirect") return false;
  if (response.redirected) return false; // e.g. bounced to the sign-in page
  const cacheControl = response.headers.get("Cache-Control") || "";
  return !/no-store/i.test(cacheControl);
}

async function fetchWithRetry(url, attempts = 3) {
  // Server errors and dropped connections are retried with a short backoff: a tablet on a
  // flaky network (or a busy server) should still end up with the whole set.
  for (let attempt = 1; ; attempt++) {
    try {
      const response = await fetch(url, { credentials: "same-origin", cache: "no-cache" });
      if (response.status < 500 || attempt >= attempts) return response;
    } catch (error) {
      if (attempt >= attempts) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, 300 * attempt));
  }
}

async function precache(manifest) {
  const wanted = new Set(manifest.urls.map((u) => new URL(u, self.location.origin).href));
  let cached = 0;
  let failed = 0;
  const queue = [...wanted];
  // Two at a time: a tablet on hotel Wi-Fi should not open 60 connections at once.
  async function worker() {
    while (queue.length) {
      const url = queue.shift();
      const cache = await caches.open(kindOf(url));
      if (kindOf(url) !== PAGES && (await cache.match(url))) {
        cached++;
        continue; // immutable: versioned paper files and static assets
      }
      try {
        const response = await fetchWithRetry(url);
        if (storable(response)) {
          await cache.put(url, response);
          cached++;
        } else {
          failed++;
        }
      } catch {
        failed++;
      }
    }
  }
  await Promise.all([worker(), worker()]);
  // Drop pages and papers that are no longer in the manifest (access removed, new version,
  // meeting closed); classified papers can never be here, they are never in a manifest.
  for (const name of [PAGES, PAPERS]) {
    const cache = await caches.open(name);
    for (const request of await cache.keys()) {
      if (!wanted.has(request.url)) await cache.delete(request);
    }
  }
  return { ok: true, cached, failed, version: manifest.version };
}

async function purgeAll() {
  const keys = await caches.keys();
  await Promise.all(keys.filter((k) => k.startsWith(PREFIX)).map((k) => caches.delete(k)));
  return { ok: true };
}

async function purgePaper(paperId) {
  for (const name of [PAGES, PAPERS]) {
    const cache = await caches.open(name);
    for (const request of await cache.keys()) {
      if (paperIdOf(request.url) === Number(paperId)) await cache.delete(request);
    }
  }
  return { ok: true };
}

self.addEventListener("message", (event) => {
  const data = event.data || {};
  const reply = (value) => event.ports[0]?.postMessage(value);
  let job;
  if (data.type === "precache" && data.manifest) job = precache(data.manifest);
  else if (data.type === "purge") job = purgeAll();
  else if (data.type === "purge-paper") job = purgePaper(data.paperId);
  else return;
  event.waitUntil(job.then(reply, (error) => reply({ ok: false, error: String(error) })));
});

// ------------------------------------------------------------------------------ fetch

const OFFLINE_PAGE = `<!doctype html><html lang="vi"><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Không có kết nối</title>
<body style="font-family:system-ui,sans-serif;max-width:36rem;margin:15vh auto;padding:0 1rem;color:#14213d">
<h1>Không có kết nối mạng</h1>
<p>Trang này chưa được lưu để đọc ngoại tuyến. Các phiên họp đã công bố và tài liệu thường
đã mở trước đó vẫn xem được; tài liệu mật không lưu ngoại tuyến.</p>
<p><a href="javascript:history.back()" style="display:inline-block;min-height:44px;line-height:44px">Quay lại</a></p>
</body></html>`;

async function rangeResponse(request, response) {
  // PDF.js reads big files in Range requests; answer them from the cached whole file.
  const header = request.headers.get("Range");
  const match = /^bytes=(\d+)-(\d*)$/.exec(header || "");
  if (!match) return response;
  const blob = await response.blob();
  const start = Number(match[1]);
  const end = match[2] ? Math.min(Number(match[2]), blob.size - 1) : blob.size - 1;
  if (start >= blob.size) {
    return new Response(null, { status: 416, headers: { "Content-Range": `bytes */${blob.size}` } });
  }
  return new Response(blob.slice(start, end + 1), {
    status: 206,
    headers: {
      "Content-Type": response.headers.get("Content-Type") || "application/pdf",
      "Content-Range": `bytes ${start}-${end}/${blob.size}`,
      "Content-Length": String(end - start + 1),
      "Accept-Ranges": "bytes",
    },
  });
}

async function paperFile(request) {
  const cache = await caches.open(PAPERS);
  const hit = await cache.match(request.url);
  if (hit) return rangeResponse(request, hit);
  const response = await fetch(request);
  if ([403, 404, 410].includes(response.status)) await forgetPaperOf(request.url);
  return response; // never cached at runtime: only what the manifest lists
}

async function forgetPaperOf(url) {
  const paperId = paperIdOf(url);
  if (paperId !== null) await purgePaper(paperId);
}

async function page(request) {
  const cache = await caches.open(PAGES);
  try {
    const response = await fetch(request);
    if ([403, 404, 410].includes(response.status)) await forgetPaperOf(request.url);
    // Refresh only what was pre-cached: the manifest decides what a tablet keeps.
    if (storable(response) && (await cache.match(request.url))) await cache.put(request.url, response.clone());
    return response;
  } catch (error) {
    const hit = await cache.match(request.url);
    if (hit) return hit;
    if (request.mode === "navigate") {
      return new Response(OFFLINE_PAGE, { status: 503, headers: { "Content-Type": "text/html; charset=utf-8" } });
    }
    throw error;
  }
}

async function staticFile(request) {
  const cache = await caches.open(SHELL);
  const hit = await cache.match(request.url);
  if (hit) {
    // Static files are not versioned by URL: use the copy, refresh it in the background.
    fetch(request).then((r) => (storable(r) ? cache.put(request.url, r) : null)).catch(() => null);
    return hit;
  }
  return fetch(request);
}

self.addEventListener("fetch", (event) => {
  const { request } = event;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.startsWith("/socket.io/") || url.pathname.startsWith("/api/") || url.pathname === "/sw.js") return;
  if (url.pathname.startsWith("/static/")) {
    event.respondWith(staticFile(request));
  } else if (FILE_PATH.test(url.pathname) && request.mode !== "navigate") {
    event.respondWith(paperFile(request));
  } else if (request.mode === "navigate" || (request.headers.get("Accept") || "").includes("text/html")) {
    event.respondWith(page(request));
  }
});
