import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ArchiveStore } from "../../worker/archive/store";
import { demoTop100 } from "../fixtures/demo-chart";
import { harness } from "./harness";

describe("the archive API in the colo cache (where it works: custom domains)", () => {
  it("answers a repeated chart from the colo cache without touching D1, and 304 for its ETag", async () => {
    const h = await harness({ DATA_SOURCE: "demo" }, { colo: true });
    const asOf = Date.UTC(2026, 10, 23, 1);
    await new ArchiveStore(env.DB, "demo").storeSnapshot({
      region: "SE",
      week: "2026-W47",
      fetchedAt: asOf,
      source: "demo",
      entries: demoTop100("SE", asOf),
    });
    const path = "/api/charts/SE/2026-W47";
    const first = await h.requestAndSettle(path);
    // The chart's two, and the archive's state that keys the copy (read once a minute at most).
    expect(first.headers.get("Server-Timing")).toMatch(/^d1;desc="queries=3 rows_read=\d+"$/);
    const body = await first.text();
    const again = await h.requestAndSettle(path);
    expect(again.headers.get("Server-Timing")).toMatch(/^d1;desc="queries=0 rows_read=\d+"$/);
    expect(await again.text()).toBe(body);
    const etag = first.headers.get("ETag") ?? "";
    const notModified = await h.requestAndSettle(path, { headers: { "If-None-Match": `W/${etag}` } });
    expect(notModified.status).toBe(304);
    expect(notModified.headers.get("ETag")).toBe(etag);
    // Errors are never cached.
    expect((await h.requestAndSettle("/api/charts/SE/2026-W46")).status).toBe(404);
    expect((await h.requestAndSettle("/api/charts/SE/2026-W46")).headers.get("Server-Timing")).toMatch(
      /^d1;desc="queries=2 rows_read=\d+"$/,
    );
  });
});

describe("the colo cache keeps each data source's answers apart", () => {
  it("answers the same URL from the newly configured source after a switch, not the old one's copy", async () => {
    const h = await harness({ DATA_SOURCE: "demo" }, { colo: true });
    const demoAsOf = Date.UTC(2026, 10, 23, 1);
    const realAsOf = Date.UTC(2026, 10, 23, 2);
    for (const [source, fetchedAt] of [
      ["demo", demoAsOf],
      ["keyapi", realAsOf],
    ] as const) {
      await new ArchiveStore(env.DB, source).storeSnapshot({
        region: "DE",
        week: "2026-W47",
        fetchedAt,
        source,
        entries: demoTop100("DE", fetchedAt),
      });
    }
    const path = "/api/charts/DE/latest";
    const demo = await h.requestAndSettle(path);
    expect(demo.headers.get("X-Data-Source")).toBe("demo");
    expect(await demo.json()).toMatchObject({ source: "demo", fetchedAt: "2026-11-23T01:00:00.000Z" });
    h.env.DATA_SOURCE = "keyapi";
    const real = await h.requestAndSettle(path);
    expect(real.headers.get("X-Data-Source")).toBe("keyapi");
    expect(await real.json()).toMatchObject({ source: "keyapi", fetchedAt: "2026-11-23T02:00:00.000Z" });
    // …and the demo answer is still there for a deployment that switches back.
    h.env.DATA_SOURCE = "demo";
    const again = await h.requestAndSettle(path);
    expect(again.headers.get("Server-Timing")).toMatch(/^d1;desc="queries=0 rows_read=\d+"$/);
    expect(await again.json()).toMatchObject({ source: "demo" });
  });
});
