/**
 * The rows a sound's page is made from, as archive/sound-read.ts reads them: plain data, so the
 * page's pure code (archive/sound-data.ts) and its tests need no D1.
 */
export interface SoundEntryRow {
  region: string;
  week: string;
  rank: number;
  title: string;
  author: string;
  cover: string;
}

export interface SoundRegionSpanRow {
  region: string;
  first_week: string;
  latest_week: string;
}

export interface SoundPageRows {
  /** Region by region, oldest week first. */
  entries: SoundEntryRow[];
  regions: SoundRegionSpanRow[];
  gaps: { region: string; week: string }[];
  /** Its weeks in the global top 100, oldest first. */
  globalRanks: { week: string; rank: number; regions: number }[];
  /** The newest week any region charted, and how many did. */
  latest: { week: string; regions: number } | null;
  /** From the newest chart it is on, as the upstream sent it. */
  record: { link: string | null; if_cml: number | null } | null;
}
