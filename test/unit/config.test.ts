import { describe, expect, it } from "vitest";
import { REGIONS } from "../../worker/charts/regions";
import { type ConfigName, loadConfig } from "../../worker/config";
import { ConfigError } from "../../worker/errors";

type Vars = Partial<Record<ConfigName, string>>;

function load(vars: Vars) {
  return loadConfig(vars);
}

/** The error loadConfig throws for `vars`, so its message can be checked. */
function configErrorFor(vars: Vars): ConfigError {
  try {
    load(vars);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error("expected loadConfig to throw a ConfigError");
}

describe("loadConfig: defaults", () => {
  it("uses the documented defaults when nothing is set", () => {
    expect(load({})).toEqual({
      dataSource: "keyapi",
      apiKey: null,
      upstreamUrl: "https://api.keyapi.ai",
      cacheTtlSeconds: 21_600,
      staleTtlSeconds: 604_800,
      upstreamTimeoutMs: 10_000,
      budgets: { proxyDailyCredits: 2_000, searchDailyCredits: 200, snapshotWeeklyCredits: 1_420 },
      clientCallsPerHour: 30,
      regions: [...REGIONS],
      siteBuildHook: null,
      siteBuildHookToken: null,
      adminToken: null,
      alertWebhook: null,
    });
  });

  it("covers all 71 regions by default", () => {
    expect(REGIONS).toHaveLength(71);
    expect(load({}).regions).toHaveLength(71);
  });

  it("treats empty and blank vars as unset, as wrangler.toml ships them", () => {
    const config = load({
      DATA_SOURCE: "",
      UPSTREAM_URL: " ",
      CACHE_TTL_SECONDS: "",
      STALE_TTL_SECONDS: "",
      UPSTREAM_TIMEOUT_MS: "",
      PROXY_DAILY_CREDITS: "",
      SEARCH_DAILY_CREDITS: "",
      SNAPSHOT_WEEKLY_CREDITS: "",
      CLIENT_CALLS_PER_HOUR: "",
      REGIONS: "",
    });
    expect(config).toEqual(load({}));
  });

  it("reserves 20 snapshot credits per configured region by default", () => {
    const config = load({ REGIONS: "us, de ,FR" });
    expect(config.regions).toEqual(["US", "DE", "FR"]);
    expect(config.budgets.snapshotWeeklyCredits).toBe(60);
  });

  it("counts a region listed twice once", () => {
    const config = load({ REGIONS: "US,us, US" });
    expect(config.regions).toEqual(["US"]);
    expect(config.budgets.snapshotWeeklyCredits).toBe(20);
  });

  it("uses an explicit snapshot reserve over the per-region default", () => {
    expect(load({ SNAPSHOT_WEEKLY_CREDITS: "500", REGIONS: "US" }).budgets.snapshotWeeklyCredits).toBe(500);
  });
});

describe("loadConfig: values", () => {
  it("reads every number var", () => {
    const config = load({
      CACHE_TTL_SECONDS: "1",
      STALE_TTL_SECONDS: "60",
      UPSTREAM_TIMEOUT_MS: "2500",
      PROXY_DAILY_CREDITS: "400",
      SEARCH_DAILY_CREDITS: "50",
      SNAPSHOT_WEEKLY_CREDITS: "100",
      CLIENT_CALLS_PER_HOUR: "5",
    });
    expect(config).toMatchObject({
      cacheTtlSeconds: 1,
      staleTtlSeconds: 60,
      upstreamTimeoutMs: 2_500,
      budgets: { proxyDailyCredits: 400, searchDailyCredits: 50, snapshotWeeklyCredits: 100 },
      clientCallsPerHour: 5,
    });
  });

  it("trims number vars and normalises leading zeros", () => {
    expect(load({ CACHE_TTL_SECONDS: " 0060 " }).cacheTtlSeconds).toBe(60);
  });

  it("caps the search share by the proxy budget", () => {
    expect(load({ PROXY_DAILY_CREDITS: "100" }).budgets.searchDailyCredits).toBe(100);
    expect(load({ PROXY_DAILY_CREDITS: "100", SEARCH_DAILY_CREDITS: "300" }).budgets).toMatchObject({
      proxyDailyCredits: 100,
      searchDailyCredits: 100,
    });
  });

  it("reads the data source case-insensitively", () => {
    expect(load({ DATA_SOURCE: "demo" }).dataSource).toBe("demo");
    expect(load({ DATA_SOURCE: " DEMO " }).dataSource).toBe("demo");
    expect(load({ DATA_SOURCE: "KeyAPI" }).dataSource).toBe("keyapi");
  });

  it("removes trailing slashes from UPSTREAM_URL", () => {
    expect(load({ UPSTREAM_URL: "https://api.keyapi.ai/" }).upstreamUrl).toBe("https://api.keyapi.ai");
    expect(load({ UPSTREAM_URL: "http://127.0.0.1:8787//" }).upstreamUrl).toBe("http://127.0.0.1:8787");
    expect(load({ UPSTREAM_URL: "https://proxy.example.test/base/" }).upstreamUrl).toBe(
      "https://proxy.example.test/base",
    );
  });

  it("accepts an http origin for a local fake upstream", () => {
    expect(load({ UPSTREAM_URL: "http://localhost:9999" }).upstreamUrl).toBe("http://localhost:9999");
  });

  it("turns empty and blank secrets into null", () => {
    const config = load({
      KEYAPI_KEY: "",
      SITE_BUILD_HOOK: "   ",
      SITE_BUILD_HOOK_TOKEN: "",
      ADMIN_TOKEN: "\t",
      ALERT_WEBHOOK: "",
    });
    expect(config).toMatchObject({
      apiKey: null,
      siteBuildHook: null,
      siteBuildHookToken: null,
      adminToken: null,
      alertWebhook: null,
    });
  });

  it("keeps set secrets, trimmed", () => {
    const config = load({
      KEYAPI_KEY: " key-123\n",
      SITE_BUILD_HOOK: "https://hooks.example.test/build",
      SITE_BUILD_HOOK_TOKEN: "hook-token",
      ADMIN_TOKEN: "admin-token",
      ALERT_WEBHOOK: "https://alerts.example.test/",
    });
    expect(config).toMatchObject({
      apiKey: "key-123",
      siteBuildHook: "https://hooks.example.test/build",
      siteBuildHookToken: "hook-token",
      adminToken: "admin-token",
      alertWebhook: "https://alerts.example.test/",
    });
  });
});

describe("loadConfig: nonsense", () => {
  const NUMBER_VARS = [
    "CACHE_TTL_SECONDS",
    "STALE_TTL_SECONDS",
    "UPSTREAM_TIMEOUT_MS",
    "PROXY_DAILY_CREDITS",
    "SEARCH_DAILY_CREDITS",
    "SNAPSHOT_WEEKLY_CREDITS",
    "CLIENT_CALLS_PER_HOUR",
  ] as const;
  const cases = NUMBER_VARS.flatMap((name) =>
    ["abc", "-1", "0", "1.5", "1e3", "+5", "99999999999999999999"].map((value) => [name, value] as const),
  );

  it.each(cases)("refuses %s=%j with a ConfigError naming it", (name, value) => {
    const error = configErrorFor({ [name]: value });
    expect(error.message).toContain(name);
    expect(error.message).toContain(value);
  });

  it.each(["ftp://x", "not a url", "//api.keyapi.ai", "file:///etc/passwd"])(
    "refuses UPSTREAM_URL=%j with a ConfigError naming it",
    (value) => {
      expect(configErrorFor({ UPSTREAM_URL: value }).message).toContain("UPSTREAM_URL");
    },
  );

  it("refuses an unknown DATA_SOURCE with a ConfigError naming it", () => {
    expect(configErrorFor({ DATA_SOURCE: "foo" }).message).toContain("DATA_SOURCE");
  });

  it("refuses an unknown region with a ConfigError naming REGIONS and the code", () => {
    const message = configErrorFor({ REGIONS: "US,XX" }).message;
    expect(message).toContain("REGIONS");
    expect(message).toContain("XX");
  });

  it("names every variable that is wrong at once", () => {
    const message = configErrorFor({ CACHE_TTL_SECONDS: "abc", DATA_SOURCE: "foo" }).message;
    expect(message).toContain("CACHE_TTL_SECONDS");
    expect(message).toContain("DATA_SOURCE");
  });
});
