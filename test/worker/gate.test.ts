import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ArchiveStore } from "../../worker/archive/store";
import { demoTop100 } from "../fixtures/demo-chart";
import type { Gate } from "../../worker/upstream/gate";
import { TRENDING, harness } from "./harness";

describe("the gate", () => {
  it("treats a throw after the charge as a failed call: it pauses, and nothing is left rejected", async () => {
    const h = await harness();
    const stub = env.GATE.get(env.GATE.idFromName(h.gateName));
    // The gate's own storage fails while keeping the answer (a full disk, say).
    await runInDurableObject(stub, (gate: Gate) => {
      const store = (gate as unknown as { store: { putAnswer: () => void } }).store;
      store.putAnswer = () => {
        throw new Error("disk full");
      };
    });
    const asks = await Promise.all(Array.from({ length: 5 }, () => h.request(`${TRENDING}?region=DE`)));
    expect(asks.map((r) => r.status)).toEqual([502, 502, 502, 502, 502]);
    expect(await h.upstream.count()).toBe(1);
    const health = await stub.health();
    expect(health.lastCallFailed).toBe(true);
    expect(health.pause).toMatchObject({ reason: "backoff", failures: 1 });
    expect((await stub.status()).spend.proxyToday).toBe(2);
  });
});

describe("the archive's size limits", () => {
  it("counts a snapshot's size in UTF-8 bytes, as D1 does (2 MB per value)", async () => {
    await harness();
    // 700,000 UTF-16 units, but 2.1 million UTF-8 bytes: too large for one D1 value.
    const entries = demoTop100("DE", Date.UTC(2026, 10, 23)).map((e) => ({ ...e, title: "€".repeat(7_000) }));
    const store = new ArchiveStore(env.DB, "keyapi");
    const input = { region: "DE", week: "2026-W47", fetchedAt: 1, source: "keyapi" as const, entries };
    await expect(store.storeSnapshot(input)).rejects.toThrow(/too large/);
  });
});
