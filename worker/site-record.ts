import { z } from "zod";
import { isIsoWeek } from "./charts/iso-week";

/**
 * What the live site says about itself (`/site-build.json`, written by the site build: docs/operations.md
 * "The site's age is health"). Only the fields the Worker reads are checked here; the build owns
 * the rest. The file comes from another deploy than this code may be, so it is validated as it is
 * read, and anything unreadable counts as no record at all: a site that does not say which week
 * it was built from.
 */
export const SITE_RECORD_PATH = "/site-build.json";

export const liveSiteRecordSchema = z.object({
  source: z.string(),
  newestWeek: z.string().refine(isIsoWeek, "an ISO week").nullable(),
  newestWeekCharts: z.number().int().nonnegative(),
  change: z.number().int().nullable(),
  commit: z.string().nullable(),
});

export type LiveSiteRecord = z.infer<typeof liveSiteRecordSchema>;

/**
 * The record of the site this Worker serves, or null when it has none (or none that reads).
 * `siteFile` reads one of the site's files: the ASSETS binding, or a test's fixture (AppDeps.siteFile).
 */
export async function readLiveSiteRecord(
  siteFile: (path: string) => Promise<Response>,
): Promise<LiveSiteRecord | null> {
  try {
    const response = await siteFile(SITE_RECORD_PATH);
    if (!response.ok) {
      await response.body?.cancel();
      return null;
    }
    const parsed = liveSiteRecordSchema.safeParse(await response.json());
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** The part of the record that /healthz/data and /api/status show. */
export function siteSummary(record: LiveSiteRecord | null) {
  return record && { newestWeek: record.newestWeek, change: record.change, commit: record.commit };
}
