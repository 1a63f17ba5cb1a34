import { z } from "zod";
import { REGIONS, isRegion, type Region } from "./charts/regions";
import { DATA_SOURCES, type DataSource } from "./charts/source";
import { ConfigError } from "./errors";

/**
 * Vars and secrets → one validated config object, built per request (never at import time:
 * bindings are only known per invocation). Names and defaults are the README's configuration table.
 */
const positiveInt = (fallback: number) =>
  z
    .string()
    .trim()
    .optional()
    .transform((s, ctx) => {
      if (s === undefined || s === "") return fallback;
      if (!/^\d+$/.test(s) || Number(s) < 1 || !Number.isSafeInteger(Number(s))) {
        ctx.addIssue({ code: "custom", message: `must be a positive whole number, got "${s}"` });
        return z.NEVER;
      }
      return Number(s);
    });

const optionalSecret = z
  .string()
  .optional()
  .transform((s) => (s?.trim() ? s.trim() : null));

const envSchema = z.object({
  DATA_SOURCE: z
    .string()
    .optional()
    .transform((s) => (s?.trim() ? s.trim().toLowerCase() : "keyapi"))
    .pipe(z.enum(DATA_SOURCES, { message: `must be ${DATA_SOURCES.map((s) => `"${s}"`).join(" or ")}` })),
  KEYAPI_KEY: optionalSecret,
  UPSTREAM_URL: z
    .string()
    .optional()
    .transform((s) => (s?.trim() ? s.trim() : "https://api.keyapi.ai"))
    .pipe(z.url({ protocol: /^https?$/, message: "must be an http(s) URL" }))
    .transform((s) => s.replace(/\/+$/, "")),
  CACHE_TTL_SECONDS: positiveInt(21_600),
  STALE_TTL_SECONDS: positiveInt(604_800),
  UPSTREAM_TIMEOUT_MS: positiveInt(10_000),
  PROXY_DAILY_CREDITS: positiveInt(2_000),
  SEARCH_DAILY_CREDITS: positiveInt(200),
  SNAPSHOT_WEEKLY_CREDITS: positiveInt(0),
  CLIENT_CALLS_PER_HOUR: positiveInt(30),
  REGIONS: z
    .string()
    .optional()
    .transform((s, ctx): Region[] => {
      const codes = (s ?? "")
        .split(",")
        .map((c) => c.trim().toUpperCase())
        .filter(Boolean);
      if (codes.length === 0) return [...REGIONS];
      const unknown = codes.filter((c) => !isRegion(c));
      if (unknown.length > 0) {
        ctx.addIssue({ code: "custom", message: `unknown region(s): ${unknown.join(", ")}` });
        return z.NEVER;
      }
      return [...new Set(codes)] as Region[];
    }),
  SITE_BUILD_HOOK: optionalSecret,
  SITE_BUILD_HOOK_TOKEN: optionalSecret,
  ADMIN_TOKEN: optionalSecret,
  ALERT_WEBHOOK: optionalSecret,
});

export type { DataSource };

export interface Config {
  dataSource: DataSource;
  apiKey: string | null;
  upstreamUrl: string;
  cacheTtlSeconds: number;
  staleTtlSeconds: number;
  upstreamTimeoutMs: number;
  budgets: Budgets;
  clientCallsPerHour: number;
  regions: Region[];
  siteBuildHook: string | null;
  siteBuildHookToken: string | null;
  adminToken: string | null;
  alertWebhook: string | null;
}

export interface Budgets {
  proxyDailyCredits: number;
  /** Capped by proxyDailyCredits: searches spend from the same wallet. */
  searchDailyCredits: number;
  snapshotWeeklyCredits: number;
}

/** Credits per upstream request (docs/upstream.md). */
export const CREDITS_PER_REQUEST = 2;

/** The names of the README's configuration table (vars and secrets). */
export type ConfigName = keyof z.input<typeof envSchema>;

/** Takes the Worker's env (or any object with these names): bindings it does not know are ignored. */
export function loadConfig(env: Partial<Record<ConfigName, unknown>>): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const details = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new ConfigError(`invalid configuration: ${details}`);
  }
  const c = parsed.data;
  return {
    dataSource: c.DATA_SOURCE,
    apiKey: c.KEYAPI_KEY,
    upstreamUrl: c.UPSTREAM_URL,
    cacheTtlSeconds: c.CACHE_TTL_SECONDS,
    staleTtlSeconds: c.STALE_TTL_SECONDS,
    upstreamTimeoutMs: c.UPSTREAM_TIMEOUT_MS,
    budgets: {
      proxyDailyCredits: c.PROXY_DAILY_CREDITS,
      searchDailyCredits: Math.min(c.SEARCH_DAILY_CREDITS, c.PROXY_DAILY_CREDITS),
      // One full retry of every region: 5 pages × 2 credits × 2 attempts.
      snapshotWeeklyCredits: c.SNAPSHOT_WEEKLY_CREDITS || 20 * c.REGIONS.length,
    },
    clientCallsPerHour: c.CLIENT_CALLS_PER_HOUR,
    regions: c.REGIONS,
    siteBuildHook: c.SITE_BUILD_HOOK,
    siteBuildHookToken: c.SITE_BUILD_HOOK_TOKEN,
    adminToken: c.ADMIN_TOKEN,
    alertWebhook: c.ALERT_WEBHOOK,
  };
}

/** The names loadConfig reads, in a fixed order: what a config depends on, and nothing else. */
const CONFIG_NAMES = Object.keys(envSchema.shape) as ConfigName[];
/** A few configs at a time (one per deployment; tests switch a handful of vars). */
const MAX_REMEMBERED_CONFIGS = 8;

/**
 * loadConfig, remembered by the values it reads: the schema pass over every var on every request
 * is a visible share of a cache hit's CPU. The key is the values themselves, so a changed var is a
 * new config at once; nothing is read at import time.
 */
export function configLoader(): (env: Partial<Record<ConfigName, unknown>>) => Config {
  const configs = new Map<string, Config>();
  return (env) => {
    const key = CONFIG_NAMES.map((name) => String(env[name] ?? "\u0001")).join("\u0000");
    const known = configs.get(key);
    if (known) return known;
    const config = loadConfig(env);
    if (configs.size >= MAX_REMEMBERED_CONFIGS) configs.clear();
    configs.set(key, config);
    return config;
  };
}
