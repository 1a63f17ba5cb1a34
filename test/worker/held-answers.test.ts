import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { createApp } from "../../worker/app";
import { HeldAnswers } from "../../worker/proxy/held-answers";
import { harness, TRENDING } from "./harness";

const MINUTE = 60_000;

describe("only misses reach the gate: an outage is not one gate call per request", () => {
  it("serves a burst of stale requests during a failing upstream with one gate question per 30 s", async () => {
    const h = await harness({ CACHE_TTL_SECONDS: "60" });
    await h.requestAndSettle(`${TRENDING}?region=DE`);
    const asked = (await h.gateStatus()).questions;
    h.clock.now += 2 * MINUTE;
    // A dried-up source: every refresh answers "deprecated".
    await h.upstream.script([{ body: { code: 0, msg: "deprecated", data: {} } }]);
    const burst = [];
    for (let i = 0; i < 50; i++) burst.push(await h.requestAndSettle(`${TRENDING}?region=DE`));
    expect(new Set(burst.map((r) => `${r.status} ${r.headers.get("X-Cache")}`))).toEqual(new Set(["200 STALE"]));
    expect((await h.gateStatus()).questions - asked).toBe(1);
    expect(await h.upstream.count()).toBe(2);
    h.clock.now += 30_000;
    for (let i = 0; i < 20; i++) await h.requestAndSettle(`${TRENDING}?region=DE`);
    expect((await h.gateStatus()).questions - asked).toBe(2);
  });

  it("answers a concurrent burst of stale requests during a refresh with 1 gate question and at most 1 settle", async () => {
    const h = await harness({ CACHE_TTL_SECONDS: "60" });
    await h.requestAndSettle(`${TRENDING}?region=DE`);
    const before = await h.gateStatus();
    h.clock.now += 2 * MINUTE;
    // The refresh is held at the fake until the whole burst has been answered.
    await h.upstream.script([{ hold: "refresh" }]);
    const burst = await Promise.all(Array.from({ length: 40 }, () => h.request(`${TRENDING}?region=DE`)));
    await h.upstream.held("refresh", 1);
    await h.upstream.release("refresh");
    await h.settle();
    expect(new Set(burst.map((r) => `${r.status} ${r.headers.get("X-Cache")}`))).toEqual(new Set(["200 STALE"]));
    const after = await h.gateStatus();
    expect(after.questions - before.questions).toBe(1);
    expect(after.settles - before.settles).toBeLessThanOrEqual(1);
    expect(await h.upstream.count()).toBe(2);
    // The refresh succeeded: the hold is gone, and the next request gets the fresh copy at once.
    const next = await h.requestAndSettle(`${TRENDING}?region=DE`);
    expect(next.headers.get("X-Cache")).toBe("REVALIDATED");
    expect(next.headers.get("Age")).toBe("0");
    expect((await h.gateStatus()).questions - before.questions).toBe(2);
  });

  it("answers a concurrent burst of stale requests during a cool-down with 1 gate question and no settle", async () => {
    const h = await harness({ CACHE_TTL_SECONDS: "60" });
    await h.requestAndSettle(`${TRENDING}?region=AT`);
    h.clock.now += 2 * MINUTE;
    await h.upstream.script([{ status: 401 }]);
    // Another instance's request meets the 401: the cool-down holds every upstream call.
    expect((await h.requestElsewhere(`${TRENDING}?region=CH`)).status).toBe(503);
    const before = await h.gateStatus();
    const burst = await Promise.all(Array.from({ length: 40 }, () => h.request(`${TRENDING}?region=AT`)));
    await h.settle();
    expect(new Set(burst.map((r) => `${r.status} ${r.headers.get("X-Cache")}`))).toEqual(new Set(["200 STALE"]));
    const after = await h.gateStatus();
    expect(after.questions - before.questions).toBe(1);
    expect(after.settles - before.settles).toBe(0);
    expect(await h.upstream.count()).toBe(2);
  });

  it("holds a refusal without a copy too, and still tells the right Retry-After", async () => {
    const h = await harness();
    await h.upstream.script([{ status: 401 }]);
    expect((await h.request(`${TRENDING}?region=FR`)).status).toBe(503);
    const asked = (await h.gateStatus()).questions;
    h.clock.now += 10_000;
    for (let i = 0; i < 20; i++) {
      const response = await h.request(`${TRENDING}?region=FR`);
      expect(response.status).toBe(503);
      expect(response.headers.get("Retry-After")).toBe("890");
    }
    expect((await h.gateStatus()).questions).toBe(asked);
    expect(await h.upstream.count()).toBe(1);
  });

  it("keeps the hold in the colo cache, where it serves every instance of the colo", async () => {
    const h = await harness({ CACHE_TTL_SECONDS: "60" }, { colo: true });
    await h.requestAndSettle(`${TRENDING}?region=NL`);
    h.clock.now += 2 * MINUTE;
    await h.upstream.script([{ status: 500 }]);
    expect((await h.requestAndSettle(`${TRENDING}?region=NL`)).headers.get("X-Cache")).toBe("STALE");
    const asked = (await h.gateStatus()).questions;
    // A new isolate: its own memory is empty, the colo's is not.
    const other = createApp({ ...h.deps, held: new HeldAnswers() });
    const ctx = createExecutionContext();
    const response = await other.fetch(new Request(`https://proxy.test${TRENDING}?region=NL`), h.env, ctx);
    await waitOnExecutionContext(ctx);
    expect(response.headers.get("X-Cache")).toBe("STALE");
    expect((await h.gateStatus()).questions).toBe(asked);
  });
});

/** A gate that cannot be reached (an overloaded Durable Object: every call throws), counting the calls. */
function unreachableGate(h: Awaited<ReturnType<typeof harness>>): { calls: number } {
  const counted = { calls: 0 };
  const real = h.env.GATE;
  const stub = {
    proxyPage: () => {
      counted.calls++;
      return Promise.reject(new Error("Durable Object is overloaded"));
    },
  };
  h.env.GATE = { idFromName: (name: string) => real.idFromName(name), get: () => stub } as unknown as Env["GATE"];
  return counted;
}

describe("only misses reach the gate: a gate that cannot be reached is held too", () => {
  it("serves the stale copy and asks a throwing gate once per 30 s", async () => {
    const h = await harness({ CACHE_TTL_SECONDS: "60" });
    await h.requestAndSettle(`${TRENDING}?region=DE`);
    h.clock.now += 2 * MINUTE;
    const gate = unreachableGate(h);
    for (let i = 0; i < 20; i++) {
      const response = await h.requestAndSettle(`${TRENDING}?region=DE`);
      expect(`${response.status} ${response.headers.get("X-Cache")}`).toBe("200 STALE");
    }
    expect(gate.calls).toBe(1);
    h.clock.now += 29_999;
    await h.requestAndSettle(`${TRENDING}?region=DE`);
    expect(gate.calls).toBe(1);
    h.clock.now += 1;
    expect((await h.requestAndSettle(`${TRENDING}?region=DE`)).headers.get("X-Cache")).toBe("STALE");
    expect(gate.calls).toBe(2);
  });

  it("without a copy, refuses for the 30 s it holds and asks again after them", async () => {
    const h = await harness();
    const gate = unreachableGate(h);
    const first = await h.requestAndSettle(`${TRENDING}?region=FR`);
    expect([first.status, first.headers.get("Retry-After")]).toEqual([502, "30"]);
    h.clock.now += 10_000;
    for (let i = 0; i < 20; i++) {
      const response = await h.requestAndSettle(`${TRENDING}?region=FR`);
      expect([response.status, response.headers.get("Retry-After")]).toEqual([502, "20"]);
    }
    expect(gate.calls).toBe(1);
    h.clock.now += 20_000;
    expect((await h.requestAndSettle(`${TRENDING}?region=FR`)).status).toBe(502);
    expect(gate.calls).toBe(2);
    expect(await h.upstream.count()).toBe(0);
  });
});

describe("holds while a refresh is in flight", () => {
  it("holds the stale copy in the colo cache during the refresh and drops it there once the refresh landed", async () => {
    const h = await harness({ CACHE_TTL_SECONDS: "60" }, { colo: true });
    await h.requestAndSettle(`${TRENDING}?region=BE`);
    h.clock.now += 2 * MINUTE;
    await h.upstream.script([{ hold: "refresh" }]);
    const first = h.request(`${TRENDING}?region=BE`);
    await h.upstream.held("refresh", 1);
    expect((await first).headers.get("X-Cache")).toBe("STALE");
    const asked = (await h.gateStatus()).questions;
    // Another isolate of the colo, while the refresh still runs: the colo's hold answers it.
    expect((await h.requestElsewhere(`${TRENDING}?region=BE`)).headers.get("X-Cache")).toBe("STALE");
    expect((await h.gateStatus()).questions).toBe(asked);
    await h.upstream.release("refresh");
    await h.settle();
    // The refresh landed: no isolate of the colo is held back from the fresh copy.
    const after = await h.requestElsewhere(`${TRENDING}?region=BE`);
    expect(after.headers.get("X-Cache")).toBe("REVALIDATED");
    expect(after.headers.get("Age")).toBe("0");
    expect(await h.upstream.count()).toBe(2);
  });
});

describe("HeldAnswers (an instance's short memory)", () => {
  it("forgets a hold at its end and drops the oldest past its size", () => {
    const held = new HeldAnswers(2);
    const answer = { kind: "refused" as const, error: "paused" as const, message: "m", retryAt: 10 };
    held.hold("a", answer, 100);
    held.hold("b", answer, 100);
    held.hold("c", answer, 100);
    expect(held.size).toBe(2);
    expect(held.get("a", 0)).toBeNull();
    expect(held.get("c", 99)).toEqual(answer);
    expect(held.get("c", 100)).toBeNull();
  });
});

describe("HeldAnswers.ask: one gate question per key, joiners answered on promises of their own", () => {
  const page = { kind: "past_total" as const, total: 30, fetchedAt: 1 };

  it("asks once; each joiner gets its own promise (never the asker's), settled with the asker's answer", async () => {
    const held = new HeldAnswers();
    let answerGate: (answer: typeof page) => void = () => undefined;
    let questions = 0;
    const question = () => {
      questions++;
      return new Promise<typeof page>((resolve) => (answerGate = resolve));
    };
    const asker = held.ask("k", question);
    const joiners = [held.ask("k", question), held.ask("k", question)];
    expect(questions).toBe(1);
    expect([asker.joined, ...joiners.map((j) => j.joined)]).toEqual([false, true, true]);
    // workerd runs an await's continuation in the request that made the awaited promise: a joiner
    // awaiting the asker's own promise would answer from inside the asker's request (a 500).
    for (const joiner of joiners) expect(joiner.answer).not.toBe(asker.answer);
    expect(joiners[0]?.answer).not.toBe(joiners[1]?.answer);
    answerGate(page);
    expect(await Promise.all([asker.answer, ...joiners.map((j) => j.answer)])).toEqual([page, page, page]);
    // Settled: the next asker asks again.
    expect(held.ask("k", question).joined).toBe(false);
    expect(questions).toBe(2);
  });

  it("a joiner whose question outlasts its wait asks for itself", async () => {
    const held = new HeldAnswers();
    const asker = held.ask("k", () => new Promise(() => undefined));
    let asked = 0;
    const joiner = held.ask(
      "k",
      () => {
        asked++;
        return Promise.resolve(page);
      },
      5,
    );
    expect(joiner.joined).toBe(true);
    expect(await joiner.answer).toEqual(page);
    expect(asked).toBe(1);
    expect(asker.joined).toBe(false);
  });

  it("forgets a question whose asker's request died once a joiner's wait ran out: the next miss asks at once", async () => {
    const held = new HeldAnswers();
    // The asker's request was cancelled mid-question: its answer never comes.
    held.ask("k", () => new Promise(() => undefined));
    const joiner = held.ask("k", () => Promise.resolve(page), 5);
    expect(joiner.joined).toBe(true);
    expect(await joiner.answer).toEqual(page);
    let asked = 0;
    const next = held.ask("k", () => {
      asked++;
      return Promise.resolve(page);
    });
    expect(next.joined).toBe(false);
    expect(asked).toBe(1);
    expect(await next.answer).toEqual(page);
  });

  it("leaves a newer question alone when a later joiner of the dead one gives up", async () => {
    const held = new HeldAnswers();
    held.ask("k", () => new Promise(() => undefined));
    const first = held.ask("k", () => Promise.resolve(page), 5);
    const second = held.ask("k", () => Promise.resolve(page), 10);
    await first.answer;
    // The dead question is forgotten: a new one is asked, and the second joiner's timeout must not drop it.
    expect(held.ask("k", () => new Promise(() => undefined)).joined).toBe(false);
    await second.answer;
    const third = held.ask("k", () => Promise.resolve(page), 1);
    expect(third.joined).toBe(true);
    await third.answer;
  });

  it("passes a failed question on to its joiners, and forgets it", async () => {
    const held = new HeldAnswers();
    let fail: (error: Error) => void = () => undefined;
    const asker = held.ask("k", () => new Promise((_, reject) => (fail = reject)));
    const joiner = held.ask("k", () => Promise.resolve(page));
    fail(new Error("gate gone"));
    await expect(asker.answer).rejects.toThrow("gate gone");
    await expect(joiner.answer).rejects.toThrow("gate gone");
    expect(held.ask("k", () => Promise.resolve(page)).joined).toBe(false);
  });
});
