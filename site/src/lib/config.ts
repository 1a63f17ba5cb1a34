/**
 * Build settings read from the environment at the edges (astro.config.mjs and site-data.ts),
 * validated here so a typo fails the build instead of shipping broken links.
 */

/** Where `npm start` serves the Worker; feeds need an absolute origin even locally. */
export const DEFAULT_SITE_ORIGIN = "http://127.0.0.1:8787";

/**
 * SITE_ORIGIN: the public origin feeds link to (`https://sounds.example`). Only an http(s)
 * origin is accepted — a path, query or fragment would be silently dropped from every link.
 * Feed guids never depend on it.
 */
export function siteOrigin(value: string | undefined): string {
  const raw = value?.trim() || DEFAULT_SITE_ORIGIN;
  if (!URL.canParse(raw)) throw new Error(`SITE_ORIGIN is not a URL: ${JSON.stringify(raw)}`);
  const url = new URL(raw);
  const bare = url.pathname === "/" && url.search === "" && url.hash === "" && !url.username && !url.password;
  if (!/^https?:$/.test(url.protocol) || !bare) {
    throw new Error(`SITE_ORIGIN must be an http(s) origin like https://sounds.example, got ${JSON.stringify(raw)}`);
  }
  return url.origin;
}

export type ArchiveInput = { kind: "url"; url: string } | { kind: "file"; path: string } | { kind: "fixture" };

/** ARCHIVE_URL (a running Worker), ARCHIVE_FILE (a SiteArchive JSON file), or neither: the fixture. */
export function archiveInput(env: { ARCHIVE_URL?: string; ARCHIVE_FILE?: string }): ArchiveInput {
  const url = env.ARCHIVE_URL?.trim();
  const path = env.ARCHIVE_FILE?.trim();
  if (url && path) throw new Error("set ARCHIVE_URL or ARCHIVE_FILE, not both");
  if (url) {
    if (!URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol)) {
      throw new Error(`ARCHIVE_URL must be an http(s) URL, got ${JSON.stringify(url)}`);
    }
    return { kind: "url", url };
  }
  if (path) return { kind: "file", path };
  return { kind: "fixture" };
}

/**
 * Where a build keeps the charts it read and the global chart's weekly rankings, for the next
 * build to start from (archive/chart-store.ts): ARCHIVE_STORE_DIR, which astro.config.mjs sets
 * beside Astro's own cache (its cacheDir) unless given, so the two are kept and dropped together
 * (the CI cache, `npm start`'s site/node_modules).
 */
export function archiveStoreDir(env: { ARCHIVE_STORE_DIR?: string }): string {
  return env.ARCHIVE_STORE_DIR?.trim() || "site/node_modules/.astro/trending-sounds-archive";
}
