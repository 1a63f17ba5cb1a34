/**
 * The global chart's weekly rankings kept between builds (global-index.ts): one gzip file a week
 * under `dir`, each with the key of the charts it was computed from and the version of the code
 * that computed it. A ranking is computed by code (the ranking rule, the derivation), so one kept
 * by other code is never reused: a week whose charts and code are unchanged is not ranked again.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync, gzipSync } from "node:zlib";
import type { RankingCache, WeekRanking } from "../global-index";

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
