// One GET of a page of the live site, for the deploy's checks: they need the status and the text
// (a 404 is an answer: "the live site has no such file"), where retry.mjs's getJson has only
// "a JSON body or nothing".

/**
 * GET `url`: its status, content type and text, or null when nothing answered (network error,
 * timeout). Never throws.
 * @returns {Promise<{ status: number, type: string, text: string } | null>}
 */
export async function readUrl(url, timeoutMs = 15_000) {
  try {
    const response = await fetch(url, { redirect: "manual", signal: AbortSignal.timeout(timeoutMs) });
    return { status: response.status, type: response.headers.get("content-type") ?? "", text: await response.text() };
  } catch {
    return null;
  }
}

/** `text` as JSON, or null. */
export function parseJson(text) {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
