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
    expect(first.headers.get("Server-Timing")).toBe('d1;desc="queries=2"');
    const body = await first.text();
    const again = await h.requestAndSettle(path);
    expect(again.headers.get("Server-Timing")).toBe('d1;desc="queries=0"');
    expect(await again.text()).toBe(body);
    const etag = first.headers.get("ETag") ?? "";
    const notModified = await h.requestAndSettle(path, { headers: { "If-None-Match": `W/${etag}` } });
    expect(notModified.status).toBe(304);
    expect(notModified.headers.get("ETag")).toBe(etag);
    // Errors are never cached.
    expect((await h.requestAndSettle("/api/charts/SE/2026-W46")).status).toBe(404);
    expect((await h.requestAndSettle("/api/charts/SE/2026-W46")).headers.get("Server-Timing")).toBe(
      'd1;desc="queries=2"',
    );
  });
});
