import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { unstable_readConfig } from "wrangler";
import { SITE_AGE_CRON } from "../../worker/jobs/triggers";

/**
 * The snapshot window for ISO week W (DESIGN "Chart data model") is Monday 00:00 UTC to
 * Wednesday 00:00 UTC of W+1: the job must run every hour of it, then once in the hour after it
 * closes (to record gaps), and never anywhere else. The crons come from wrangler.toml as wrangler
 * itself reads it, and are expanded with Cloudflare's semantics — Quartz-style weekdays,
 * 1 = Sunday … 7 = Saturday — by the small expander below (the subset we use: numbers, `*`, lists,
 * ranges, steps, weekday names). Anything outside that subset throws rather than being guessed.
 */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const WEEKDAY_NAMES = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

interface Cron {
  minutes: Set<number>;
  hours: Set<number>;
  /** null = `*` */
  daysOfMonth: Set<number> | null;
  months: Set<number> | null;
  /** Cloudflare's numbering: 1 = Sunday … 7 = Saturday. null = `*`. */
  weekdays: Set<number> | null;
}

function parseValue(text: string, names: readonly string[] | null, offset: number): number {
  if (/^\d+$/.test(text)) return Number(text);
  const named = names?.indexOf(text.toUpperCase()) ?? -1;
  if (named < 0) throw new Error(`unsupported cron value ${JSON.stringify(text)}`);
  return named + offset;
}

/** One field: `*`, `n`, `a-b`, any of those with `/step`, or a comma list of them. */
function parseField(text: string, min: number, max: number, names: readonly string[] | null = null): Set<number> {
  const values = new Set<number>();
  for (const part of text.split(",")) {
    const match = /^(\*|[A-Za-z0-9]+(?:-[A-Za-z0-9]+)?)(?:\/(\d+))?$/.exec(part);
    if (!match?.[1]) throw new Error(`unsupported cron field ${JSON.stringify(text)}`);
    const [from, to] =
      match[1] === "*"
        ? [min, max]
        : (match[1].split("-").map((value) => parseValue(value, names, min)) as [number, number?]);
    const last = to ?? (match[2] ? max : from);
    const step = match[2] ? Number(match[2]) : 1;
    if (from < min || last > max || from > last || step < 1) throw new Error(`out of range: ${JSON.stringify(text)}`);
    for (let value = from; value <= last; value += step) values.add(value);
  }
  return values;
}

function parseCron(source: string): Cron {
  const fields = source.trim().split(/\s+/);
  if (fields.length !== 5) throw new Error(`expected 5 fields: ${JSON.stringify(source)}`);
  const [minute = "", hour = "", dayOfMonth = "", month = "", weekday = ""] = fields;
  // Quartz (and so Cloudflare) gives no clear meaning to restricting both: refuse to guess.
  if (dayOfMonth !== "*" && weekday !== "*") throw new Error(`day of month and weekday both set: ${source}`);
  return {
    minutes: parseField(minute, 0, 59),
    hours: parseField(hour, 0, 23),
    daysOfMonth: dayOfMonth === "*" ? null : parseField(dayOfMonth, 1, 31),
    months: month === "*" ? null : parseField(month, 1, 12),
    weekdays: weekday === "*" ? null : parseField(weekday, 1, 7, WEEKDAY_NAMES),
  };
}

function firesAt(cron: Cron, t: number): boolean {
  const d = new Date(t);
  return (
    cron.minutes.has(d.getUTCMinutes()) &&
    cron.hours.has(d.getUTCHours()) &&
    (cron.daysOfMonth?.has(d.getUTCDate()) ?? true) &&
    (cron.months?.has(d.getUTCMonth() + 1) ?? true) &&
    (cron.weekdays?.has(d.getUTCDay() + 1) ?? true)
  );
}

/** Every minute in [from, to) at which any of the crons fires. */
function runsBetween(crons: readonly string[], from: number, to: number): number[] {
  const parsed = crons.map(parseCron);
  const runs: number[] = [];
  for (let t = from; t < to; t += MINUTE) if (parsed.some((cron) => firesAt(cron, t))) runs.push(t);
  return runs;
}

const iso = (t: number) => new Date(t).toISOString().slice(0, 16);

/**
 * What is wrong with these crons for the window that opens at `opens` (a Monday 00:00 UTC):
 * empty when every hour of the window has a run, a run closes it within the hour after, and no
 * run of that whole week falls anywhere else. Crons repeat weekly, so one week covers them all.
 */
function scheduleProblems(crons: readonly string[], opens: number): string[] {
  const closes = opens + 2 * DAY;
  const runs = runsBetween(crons, opens, opens + 7 * DAY);
  const problems: string[] = [];
  for (let hour = opens; hour < closes; hour += HOUR) {
    if (!runs.some((t) => t >= hour && t < hour + HOUR)) problems.push(`no run in the hour from ${iso(hour)}`);
  }
  if (!runs.some((t) => t >= closes && t < closes + HOUR)) problems.push(`no run within an hour after ${iso(closes)}`);
  for (const t of runs) if (t >= closes + HOUR) problems.push(`run outside the window at ${iso(t)}`);
  return problems;
}

function configuredCrons(): string[] {
  const config = unstable_readConfig({ config: fileURLToPath(new URL("../../wrangler.toml", import.meta.url)) });
  return config.triggers.crons ?? [];
}

/** The snapshot job's crons: every cron but the site-age check's (worker/scheduled.ts dispatches so). */
function snapshotCrons(): string[] {
  return configuredCrons().filter((cron) => cron !== SITE_AGE_CRON);
}

/** Monday 00:00 UTC of week W+1, where the window of week W opens: a spread of weeks and year ends. */
const WINDOWS = [
  ["2026-W47", "2026-11-23"],
  ["2024-W52 (window runs into 2025-01-01)", "2024-12-30"],
  ["2025-W52 (W+1 is 2026-W01)", "2025-12-29"],
  ["2026-W53 (a 53-week year)", "2027-01-04"],
  ["2029-W52 (window crosses 2029-12-31)", "2029-12-31"],
  ["2026-W13 (Europe's clocks moved; UTC did not)", "2026-03-30"],
] as const;

describe("the cron expander (Cloudflare semantics)", () => {
  const sunday = Date.UTC(2026, 10, 22);
  const monday = sunday + DAY;

  it("numbers weekdays from 1 = Sunday to 7 = Saturday, as Quartz does", () => {
    expect(runsBetween(["0 12 * * 1"], sunday, sunday + 7 * DAY).map(iso)).toEqual(["2026-11-22T12:00"]);
    expect(runsBetween(["0 12 * * 7"], sunday, sunday + 7 * DAY).map(iso)).toEqual(["2026-11-28T12:00"]);
    expect(runsBetween(["0 12 * * MON"], sunday, sunday + 7 * DAY)).toEqual(
      runsBetween(["0 12 * * 2"], sunday, sunday + 7 * DAY),
    );
  });

  it("expands lists, ranges, steps and case-insensitive names", () => {
    expect(runsBetween(["5 0,12 * * mon-Tue"], monday, monday + 7 * DAY).map(iso)).toEqual([
      "2026-11-23T00:05",
      "2026-11-23T12:05",
      "2026-11-24T00:05",
      "2026-11-24T12:05",
    ]);
    expect(runsBetween(["*/20 3 * * *"], monday, monday + DAY).map(iso)).toEqual([
      "2026-11-23T03:00",
      "2026-11-23T03:20",
      "2026-11-23T03:40",
    ]);
  });

  it.each([
    ["0 12 * * 0", "weekday 0 (not a Cloudflare weekday)"],
    ["0 12 * * 8", "weekday 8"],
    ["0 12 ? * MON", "Quartz's ?"],
    ["0 12 1 * MON", "day of month and weekday together"],
    ["0 12 * * MON#2", "the nth weekday"],
    ["0 24 * * *", "hour 24"],
    ["0 12 * *", "four fields"],
  ])("refuses %s (%s) instead of guessing", (cron) => {
    expect(() => parseCron(cron)).toThrow();
  });
});

describe("the snapshot crons in wrangler.toml", () => {
  it("name their weekdays, so nobody has to remember that 1 is Sunday", () => {
    const crons = configuredCrons();
    expect(snapshotCrons().length).toBeGreaterThan(0);
    expect(crons.length).toBeGreaterThan(0);
    for (const cron of crons) expect(cron.split(/\s+/)[4]).toMatch(/^(\*|[A-Z]{3}([,-][A-Z]{3})*)$/);
  });

  it.each(WINDOWS)(
    "run every hour of the window for %s, close it within the hour, and never run elsewhere",
    (_week, monday) => {
      const opens = Date.parse(`${monday}T00:00:00Z`);
      expect(new Date(opens).getUTCDay()).toBe(1);
      expect(scheduleProblems(snapshotCrons(), opens)).toEqual([]);
    },
  );

  it("spend one run per hour of the window plus one closing run", () => {
    const opens = Date.parse("2026-11-23T00:00:00Z");
    expect(runsBetween(snapshotCrons(), opens, opens + 7 * DAY)).toHaveLength(48 + 1);
  });

  it("would catch the old numeric config, which ran Sunday and Monday and closed on Tuesday", () => {
    const opens = Date.parse("2026-11-23T00:00:00Z");
    const problems = scheduleProblems(["17 * * * 1,2", "5 0 * * 3"], opens);
    expect(problems).toContain("no run in the hour from 2026-11-24T01:00");
    expect(problems).toContain("no run within an hour after 2026-11-25T00:00");
    expect(problems).toContain("run outside the window at 2026-11-29T00:17");
    expect(problems).toContain("run outside the window at 2026-11-29T23:17");
    // Tuesday 00:05 covers Tuesday's first hour; the other 23 are empty.
    expect(problems.filter((p) => p.startsWith("no run in the hour"))).toHaveLength(23);
    expect(problems.filter((p) => p.startsWith("run outside"))).toHaveLength(24);
  });
});

describe("the site-age cron in wrangler.toml", () => {
  it("is configured, and fires once a day, every day of the week and of a year's turn", () => {
    expect(configuredCrons()).toContain(SITE_AGE_CRON);
    for (const from of ["2026-11-23", "2026-12-28", "2028-02-26"]) {
      const start = Date.parse(`${from}T00:00:00Z`);
      const runs = runsBetween([SITE_AGE_CRON], start, start + 7 * DAY);
      expect(runs.map((t) => Math.floor((t - start) / DAY))).toEqual([0, 1, 2, 3, 4, 5, 6]);
    }
  });
});
