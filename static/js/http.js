// JSON over HTTP for every module: the CSRF header, JSON in and out, and RFC 9457 problem
// documents (application/problem+json, cabinet/errors.py) turned into an HttpError.
//
//   import { getJSON, putJSON, HttpError } from "/static/js/http.js";
//   try {
//     const saved = await putJSON(url, { version, changes });
//   } catch (err) {
//     toast(err.detail, "error");   // already in the person's language; err.status, err.code,
//   }                               // err.problem (the whole document: fields, their_changes…)

import { t } from "./strings.js";

/** A refused or failed request. status 0 means no answer (offline or the server unreachable). */
export class HttpError extends Error {
  constructor({ status = 0, code = "error", title = "", detail = "", problem = {} } = {}) {
    super(detail || title || code);
    this.name = "HttpError";
    this.status = status;
    this.code = code;
    this.title = title;
    this.detail = detail || title || code;
    this.problem = problem;
  }
}

/** The page's CSRF token (base.html's <meta name="csrf-token">, what Flask-WTF checks). */
export function csrfToken() {
  return document.querySelector('meta[name="csrf-token"]')?.content || "";
}

const SAFE = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Send a request and return its JSON body (null for 204 or an empty body).
 * options.json: a value sent as the JSON body; options.headers: extra headers; options.signal.
 * Rejects with an HttpError: the server's problem document, or status 0 when nothing answered.
 */
export async function http(url, { method = "GET", json, headers = {}, signal } = {}) {
  const verb = method.toUpperCase();
  const sent = { Accept: "application/json, application/problem+json", ...headers };
  if (!SAFE.has(verb)) sent["X-CSRFToken"] = csrfToken();
  if (json !== undefined) sent["Content-Type"] = "application/json";
  let response;
  try {
    response = await fetch(url, {
      method: verb,
      credentials: "same-origin",
      headers: sent,
      body: json === undefined ? undefined : JSON.stringify(json),
      signal,
    });
  } catch (error) {
    if (error?.name === "AbortError") throw error;
    const offline = navigator.onLine === false;
    throw new HttpError({ status: 0, code: offline ? "offline" : "network", detail: t(offline ? "offline" : "request_timeout") });
  }
  const body = await readBody(response);
  if (response.ok) return body;
  const problem = body && typeof body === "object" ? body : {};
  throw new HttpError({
    status: response.status,
    code: problem.code || `http_${response.status}`,
    title: problem.title || "",
    // A proxy's HTML error page has no detail: say something the person can read.
    detail: problem.detail || t("request_failed"),
    problem,
  });
}

async function readBody(response) {
  if (response.status === 204) return null;
  const text = await response.text().catch(() => "");
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** GET url → JSON. */
export const getJSON = (url, options = {}) => http(url, { ...options, method: "GET" });
/** POST JSON → JSON. */
export const postJSON = (url, json, options = {}) => http(url, { ...options, method: "POST", json });
/** PUT JSON → JSON. */
export const putJSON = (url, json, options = {}) => http(url, { ...options, method: "PUT", json });
/** PATCH JSON → JSON. */
export const patchJSON = (url, json, options = {}) => http(url, { ...options, method: "PATCH", json });
/** DELETE → JSON (usually null). */
export const deleteJSON = (url, options = {}) => http(url, { ...options, method: "DELETE" });
