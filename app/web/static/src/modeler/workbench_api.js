// The workbench's calls to the server. Every call answers {ok, status, data, message} and never
// throws, so each caller shows a failed call (a 404 while an endpoint is missing, a 409 when a draft
// changed under us) as a sentence instead of breaking the page.

const JSON_HEADERS = { Accept: "application/json" };
const SAFE = new Set(["GET", "HEAD", "OPTIONS"]);

// The page's session CSRF token (from its config block): the API refuses a change without it.
function csrfToken() {
  const block = document.getElementById("modeler-config");
  try {
    return block ? JSON.parse(block.textContent).csrf_token || "" : "";
  } catch (error) {
    return "";
  }
}

async function call(url, options = {}) {
  if (!url) {
    return { ok: false, status: 0, data: null, message: "" };
  }
  let response;
  const method = (options.method || "GET").toUpperCase();
  if (!SAFE.has(method)) {
    options = { ...options, headers: { ...(options.headers || {}), "X-CSRF-Token": csrfToken() } };
  }
  try {
    response = await fetch(url, { credentials: "same-origin", ...options });
  } catch (error) {
    return { ok: false, status: 0, data: null, message: String(error) };
  }
  const type = response.headers.get("Content-Type") || "";
  let data = null;
  let text = "";
  if (type.includes("json")) {
    data = await response.json().catch(() => null);
  } else {
    text = await response.text().catch(() => "");
  }
  const failure = data && data.error ? data.error : null;
  return {
    ok: response.ok,
    status: response.status,
    data: response.ok ? data : null,
    text,
    etag: response.headers.get("ETag"),
    error: failure,
    message: failure ? failure.message || failure.code : response.ok ? "" : `${response.status} ${response.statusText}`,
  };
}

export function getJson(url) {
  return call(url, { headers: JSON_HEADERS });
}

export function getText(url) {
  return call(url, { headers: { Accept: "application/xml, text/xml, */*" } });
}

export function postJson(url, body) {
  return call(url, { method: "POST", headers: { ...JSON_HEADERS, "Content-Type": "application/json" }, body: JSON.stringify(body) });
}

export function postXml(url, xml) {
  return call(url, { method: "POST", headers: { ...JSON_HEADERS, "Content-Type": "application/xml" }, body: xml });
}

export function putFile(url, content, lockVersion) {
  const headers = { ...JSON_HEADERS, "Content-Type": "application/octet-stream" };
  if (lockVersion !== null && lockVersion !== undefined) {
    headers["If-Match"] = String(lockVersion);
  }
  return call(url, { method: "PUT", headers, body: content });
}

/** A list the panel offers as choices, or null when the server has none (the field falls back to free text). */
export async function optionalList(url) {
  const answer = await getJson(url);
  return answer.ok && Array.isArray(answer.data) ? answer.data : null;
}
