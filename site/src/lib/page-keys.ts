/**
 * The cache key of every page an incremental build may skip (astro.config.mjs,
 * `experimental.incrementalBuild`): Astro restores a page from the previous build when its
 * `getStaticPaths` entry returns the same `cacheKey` and the route's code is unchanged. Code
 * changes are Astro's to see; data read at build time is not — the key is the only guard for it.
 * So a page renders only its props (page-data.ts builds them), and its key is the hash of those
 * very props: nothing a page shows can change without its key changing. A chart enters the props
 * by the hash of its content (page-props.ts ChartId, GlobalWeekId), which the page loads when it
 * is rendered: a key is computed for every page of every build, a chart loaded only for the pages
 * rendered. Tests: test/site/page-keys.test.ts, and test/site/incremental.test.ts compares an
 * incremental build with a full one byte for byte.
 */
import { createHash } from "node:crypto";

/** JSON with every object's keys in order (undefined members left out, as JSON.stringify does). */
export function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, member: unknown) => {
    if (member === null || typeof member !== "object" || Array.isArray(member)) return member;
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(member).sort()) sorted[key] = (member as Record<string, unknown>)[key];
    return sorted;
  });
}

/** A page's cache key: the hash of the props it renders. */
export function pageKey(props: unknown): string {
  return createHash("sha256").update(stableJson(props)).digest("base64url");
}
