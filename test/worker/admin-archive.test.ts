import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createApp } from "../../worker/app";
import { productionDeps } from "../../worker/app-env";
import { W47_START, count, jobHarness, mondayAfter } from "./job-harness";

const ADMIN = "admin-secret-token";
const WEEK = 7 * 86_400_000;

async function dump(h: { env: Env }) {
  const app = createApp(productionDeps);
  const response = await app.fetch(
    new Request("https://x.test/api/admin/archive", { headers: { Authorization: `Bearer ${ADMIN}` } }),
    h.env,
    createExecutionContext(),
  );
  expect(response.status).toBe(200);
  return response.text();
}

async function restore(h: { env: Env }, body: string) {
  const app = createApp(productionDeps);
  const response = await app.fetch(
    new Request("https://x.test/api/admin/archive", {
      method: "POST",
      body,
      headers: { Authorization: `Bearer ${ADMIN}` },
    }),
    h.env,
    createExecutionContext(),
  );
  expect(response.status).toBe(200);
  return (await response.json()) as { charts: { stored: number; skipped: number }; logRows: number };
}

describe("full dump and restore (npm run export / import)", () => {
  it("round-trips losslessly, and importing twice changes nothing", async () => {
    const h = await jobHarness({ REGIONS: "US,DE", DATA_SOURCE: "demo", ADMIN_TOKEN: ADMIN });
    for (const w of [0, 1, 2]) expect(await h.run(mondayAfter(W47_START - (2 - w) * WEEK))).toBeNull();
    await env.DB.prepare("INSERT INTO gaps (region, week, recorded_at) VALUES ('FR', '2026-W45', 123)").run();
    const before = await dump(h);
    const lines = before
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines.filter((l) => l.type === "chart")).toHaveLength(6);
    expect(lines.filter((l) => l.type === "published").length).toBeGreaterThan(10);
    expect(lines.filter((l) => l.type === "gap")).toHaveLength(1);

    for (const table of ["snapshots", "chart_entries", "published_items", "gaps"])
      await env.DB.prepare(`DELETE FROM ${table}`).run();
    expect(await count("SELECT COUNT(*) AS n FROM snapshots")).toBe(0);
    const chunks = [lines.filter((l) => l.type !== "chart"), lines.filter((l) => l.type === "chart")];
    let stored = 0;
    for (const chunk of chunks)
      stored += (await restore(h, chunk.map((l) => JSON.stringify(l)).join("\n"))).charts.stored;
    expect(stored).toBe(6);
    expect(await dump(h)).toBe(before);

    const again = await restore(h, before);
    expect(again).toEqual({ charts: { stored: 0, skipped: 6 }, logRows: 0 });
    expect(await dump(h)).toBe(before);
  });

  it("answers 401 without the admin token and 400 for a line that is not a dump line", async () => {
    const h = await jobHarness({ ADMIN_TOKEN: ADMIN });
    const app = createApp(productionDeps);
    const denied = await app.fetch(new Request("https://x.test/api/admin/archive"), h.env, createExecutionContext());
    expect(denied.status).toBe(401);
    expect(((await denied.json()) as { code: number }).code).toBe(401);
    const bad = await app.fetch(
      new Request("https://x.test/api/admin/archive", {
        method: "POST",
        body: '{"type":"nope"}',
        headers: { Authorization: `Bearer ${ADMIN}` },
      }),
      h.env,
      createExecutionContext(),
    );
    expect(bad.status).toBe(400);
  });
});

describe("the R2 backup", () => {
  it("writes each completed week to the bound bucket as JSON lines", async () => {
    const h = await jobHarness({ REGIONS: "US,DE", DATA_SOURCE: "demo" });
    expect(await h.run(mondayAfter(W47_START))).toBeNull();
    const object = await env.ARCHIVE_BUCKET?.get("weeks/2026-W47.jsonl");
    const charts =
      (await object?.text())
        ?.trim()
        .split("\n")
        .map((l) => JSON.parse(l)) ?? [];
    expect(charts.map((c) => c.region)).toEqual(["DE", "US"]);
    expect(charts[0].entries).toHaveLength(100);
  });
});
