// After a version is promoted, the live origin must show it working (docs/operations.md "Upload, migrate,
// promote"): the Worker answers with that version, a chart page (static assets), a sound page
// (the Worker's view filling the build's shell) and the edge endpoint.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseJson, readUrl } from "./http-read.mjs";

/**
 * The edge endpoint is checked with a request the Worker answers by itself: `page=0` fails
 * validation (400, "costs nothing"), which proves the route, its validation and the error
 * envelope are live. A valid request could miss the cache (a stale copy is revalidated, and a
 * workers.dev origin has no Cache API) and spend an upstream credit on every deploy.
 */
export const ENDPOINT_PROBE = "/v1/tiktok/trending/music?page=0";

/** A sound page the build links to from `region`'s latest page, or null (a chart without sounds). */
export function soundPageOf(dir, region) {
  try {
    const html = readFileSync(join(dir, "charts", region, "index.html"), "utf8");
    return /href="(?:https?:\/\/[^/"]+)?(\/sounds\/[^/"]+\/)"/.exec(html)?.[1] ?? null;
  } catch {
    return null;
  }
}

/**
 * What the live origin gets wrong for the promoted `versionId` (empty: nothing).
 * @param {{ origin: string, versionId: string, region: { code: string, latestWeek: string } | null, soundPage: string | null }} target
 * @returns {Promise<string[]>}
 */
export async function smokeProblems({ origin, versionId, region, soundPage }) {
  const problems = [];
  const status = await readUrl(`${origin}/api/status`);
  const serving = parseJson(status?.text ?? "")?.version?.id ?? null;
  if (serving !== versionId) problems.push(`/api/status answers version ${serving ?? "none"}, not ${versionId}`);
  if (region) {
    const path = `/charts/${region.code}/`;
    const page = await readUrl(`${origin}${path}`);
    if (page?.status !== 200 || !page.text.includes(`/charts/${region.code}/${region.latestWeek}/`))
      problems.push(`${path} answers ${page?.status ?? "nothing"}, not its ${region.latestWeek} chart`);
  }
  if (soundPage) {
    const page = await readUrl(`${origin}${soundPage}`);
    if (page?.status !== 200 || !page.type.includes("text/html"))
      problems.push(`${soundPage} answers ${page?.status ?? "nothing"}, not a page`);
  }
  const endpoint = await readUrl(`${origin}${ENDPOINT_PROBE}`);
  const envelope = parseJson(endpoint?.text ?? "");
  if (endpoint?.status !== 400 || envelope?.code !== 400 || envelope?.data !== null)
    problems.push(`${ENDPOINT_PROBE} answers ${endpoint?.status ?? "nothing"}, not its 400 envelope`);
  return problems;
}
