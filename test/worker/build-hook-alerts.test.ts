import { afterEach, describe, expect, it, vi } from "vitest";
import { W47_START, jobHarness, mondayAfter } from "./job-harness";

// docs/operations.md "How it runs": a build hook that fails is an alert too, once per week per source.

const HOUR = 3_600_000;
const RUN = mondayAfter(W47_START); // Monday 2026-11-23 01:00 UTC: snapshot of 2026-W47
const HOOK = "https://hooks.test/build";
const ALERTS = "https://alerts.test/hook";

afterEach(() => vi.restoreAllMocks());

describe("the build hook under failure", () => {
  it("alerts once per week when every attempt fails, and keeps trying the hook on later runs", async () => {
    vi.spyOn(console, "log").mockImplementation(() => undefined);
    const h = await jobHarness({ REGIONS: "US", SITE_BUILD_HOOK: HOOK, ALERT_WEBHOOK: ALERTS });
    h.outbound.mockImplementation(async (url: RequestInfo | URL, init?: RequestInit) => {
      h.hookCalls.push({ url: String(url), init });
      return new Response(null, { status: String(url) === HOOK ? 500 : 204 });
    });
    const alerts = () =>
      h.hookCalls
        .filter((c) => c.url === ALERTS)
        .map((c) => JSON.parse(String(c.init?.body)) as Record<string, unknown>);

    expect(await h.run(RUN)).toBeNull();
    expect(h.hookCalls.filter((c) => c.url === HOOK)).toHaveLength(3);
    expect(alerts()).toEqual([
      expect.objectContaining({ condition: "build_hook_failed", week: "2026-W47", error: "HTTP 500" }),
    ]);
    // The next runs try the hook again (Monday, then Tuesday: another UTC day), but say nothing more.
    expect(await h.run(RUN + HOUR)).toBeNull();
    expect(await h.run(RUN + 24 * HOUR)).toBeNull();
    expect(h.hookCalls.filter((c) => c.url === HOOK)).toHaveLength(9);
    expect(alerts()).toHaveLength(1);
  });

  it("alerts when the hook does not answer at all", async () => {
    vi.spyOn(console, "log").mockImplementation(() => undefined);
    const h = await jobHarness({ REGIONS: "US", SITE_BUILD_HOOK: HOOK, ALERT_WEBHOOK: ALERTS });
    h.outbound.mockImplementation(async (url: RequestInfo | URL, init?: RequestInit) => {
      h.hookCalls.push({ url: String(url), init });
      if (String(url) === HOOK) throw new TypeError("fetch failed");
      return new Response(null, { status: 204 });
    });
    expect(await h.run(RUN)).toBeNull();
    const alert = h.hookCalls.find((c) => c.url === ALERTS);
    expect(JSON.parse(String(alert?.init?.body))).toMatchObject({ condition: "build_hook_failed", error: "TypeError" });
  });
});
