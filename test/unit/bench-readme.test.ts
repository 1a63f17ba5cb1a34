import { describe, expect, it } from "vitest";
import { whereTheTimeGoes } from "../../bench/lib/time-table.mjs";
import { conditions } from "../../bench/lib/readme-tables.mjs";

// docs/performance.md is rendered from the results: these check that its words follow
// the figures (busy only when a section was, a sentence only when its figures were measured).

const run = (load: Record<string, { busy: boolean; otherCores: number | null }>) => ({
  date: "2026-12-02T16:00:00.000Z",
  command: "npm run bench",
  seconds: 900,
  options: { rounds: 5, seconds: 5 },
  machine: {
    cpus: 2,
    cpuModel: "AMD EPYC",
    miniflare: "5",
    workerd: "1",
    wrk: "4",
    hey: "0.1",
    nginx: "1.22",
    loadAverageAtStart: [1.07],
  },
  load: Object.fromEntries(
    Object.entries(load).map(([name, l]) => [name, { loadAverageAtStart: [1.07, 1, 1], seconds: 60, ...l }]),
  ),
});

describe("the run's conditions", () => {
  it("says busy only for the sections that were", () => {
    const text = conditions(run({ hit: { busy: false, otherCores: 0.05 }, tier: { busy: true, otherCores: 0.9 } }));
    expect(text).toContain("**busy** during tier");
    expect(text).not.toContain("during hit");
  });

  it("says no section was busy when none was, whatever the load average", () => {
    const text = conditions(run({ hit: { busy: false, otherCores: 0.05 } }));
    expect(text).not.toContain("**busy**");
    expect(text).toContain("hit 1.07");
  });
});

describe("where the time goes", () => {
  it("writes nothing about what the run did not measure", () => {
    expect(whereTheTimeGoes({})).toBe("");
  });

  it("puts the Zipf mix's figures in a row of their own, the direct-asking cost among them", () => {
    const text = whereTheTimeGoes({
      credits: {
        zipf: {
          upstreamRequests: 364,
          requests: 10000,
          minimumNeeded: 363,
          minimumIfPage1First: 364,
          page1OnlyForTotal: 1,
          minimumIfAskedDirectly: 593,
        },
      },
    });
    expect(text).toContain(
      "| Zipf mix: 10000 client requests | upstream requests 364; the least any full-page cache needs 363;",
    );
    expect(text).toContain("page-1-first policy needs 364");
    expect(text).toContain("asking every page directly 593");
    // Figures only: what they mean is written once, by hand, in docs/performance.md.
    expect(text).not.toMatch(/worth it|because|so the/);
  });
});
