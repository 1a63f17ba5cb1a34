/**
 * The sitemaps' shape, shared by the Worker (which answers the sound sitemaps) and the site build
 * (whose sitemap index lists them). Pure: no bindings, no I/O.
 *
 * The protocol (https://www.sitemaps.org/protocol.html): at most 50,000 URLs and 50 MB
 * (uncompressed) per sitemap file, and a sitemap index lists sitemap files, never other indexes.
 * A sound page's URL is under 100 bytes, so 50,000 of them in `<url><loc>…</loc></url>` stay
 * near 6 MB: the URL limit is the one that binds.
 */
export const SITEMAP_MAX_URLS = 50_000;

/** Sound sitemap files are numbered from 1; file n holds the n-th 50,000 sounds in clip id order. */
export function soundSitemapPath(n: number): string {
  return `/sitemaps/sounds-${n}.xml`;
}

/** `sounds-<n>.xml` → n, or null for any other name (no leading zeros: one name per file). */
export function soundSitemapNumber(fileName: string): number | null {
  const match = /^sounds-([1-9]\d{0,8})\.xml$/.exec(fileName);
  return match ? Number(match[1]) : null;
}

/** The sound sitemap files that hold `sounds` sounds, `perFile` to a file. */
export function soundSitemapPaths(sounds: number, perFile: number = SITEMAP_MAX_URLS): string[] {
  return Array.from({ length: Math.ceil(sounds / perFile) }, (_, i) => soundSitemapPath(i + 1));
}
