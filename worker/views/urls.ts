/**
 * The site's URLs that pages rendered by the Worker link to. They must stay equal to the site's
 * own builders (site/src/lib/urls.ts; test/unit/sound-page.test.ts compares them), which the site
 * may re-export from here. Region codes, weeks and clip ids are validated before they get here.
 */

/** A region's latest chart, or one week's chart. */
export function chartUrl(region: string, week?: string): string {
  return week === undefined ? `/charts/${region}/` : `/charts/${region}/${week}/`;
}

/** One entry on one week's chart: every chart row carries the clip id as its `id`. */
export function entryUrl(region: string, week: string, clipId: string): string {
  return `${chartUrl(region, week)}#${clipId}`;
}

/** One entry on one week's global chart. */
export function globalEntryUrl(week: string, clipId: string): string {
  return `/charts/global/${week}/#${clipId}`;
}

export function soundUrl(clipId: string): string {
  return `/sounds/${clipId}/`;
}

/** The archive API's view of a sound. */
export function apiSoundUrl(clipId: string): string {
  return `/api/sounds/${clipId}`;
}
