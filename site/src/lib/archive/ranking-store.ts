/**
 * The global chart's weekly rankings kept between builds (global-index.ts computes them): on disk,
 * one gzip file a week under `dir`, each with the key of the charts it was computed from and the
 * version of the code that computed it; or in memory. A ranking is computed by code (the ranking
 * rule, the derivation), so one kept by other code is never reused: a week whose charts and code
 * are unchanged is not ranked again.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync, gzipSync } from "node:zlib";
import type { GlobalRank, Spreading } from "@worker/charts/global";

/** A week's ranking and spreading list: what a global week costs to compute, kept between builds. */
export interface WeekRanking {
  ranked: GlobalRank[];
  spreading: Spreading[] | null;
  /** The newest regional snapshot of the week (ISO 8601). */
  fetchedAt: string;
}

/** Where a build finds the rankings of weeks whose charts did not change. */
export interface RankingCache {
  get(week: string, key: string): WeekRanking | undefined;
  put(week: string, key: string, ranking: WeekRanking): void;
}

/** A RankingCache in memory: what a build without a kept one (tests, the fixture) keeps its rankings in. */
export function memoryRankings(): RankingCache {
  const kept = new Map<string, { key: string; ranking: WeekRanking }>();
  return {
    get: (week, key) => {
      const found = kept.get(week);
      return found?.key === key ? found.ranking : undefined;
    },
    put: (week, key, ranking) => void kept.set(week, { key, ranking }),
  };
}

/** `code`: the build's code version (code-version.ts). */
export function diskRankings(dir: string, code: string): RankingCache {
  const fileOf = (week: string) => join(dir, `${week}.json.gz`);
  return {
    get(week, key) {
      try {
        const kept = JSON.parse(gunzipSync(readFileSync(fileOf(week))).toString("utf8")) as {
          key: string;
          code: string;
          ranking: WeekRanking;
        };
        return kept.key === key && kept.code === code ? kept.ranking : undefined;
      } catch {
        return undefined;
      }
    },
    put(week, key, ranking) {
      mkdirSync(dir, { recursive: true });
      writeFileSync(`${fileOf(week)}.tmp`, gzipSync(JSON.stringify({ key, code, ranking }), { level: 1 }));
      renameSync(`${fileOf(week)}.tmp`, fileOf(week));
    },
  };
}
