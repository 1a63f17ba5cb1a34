import { describe, expect, it } from "vitest";
import { PROBE_WEEKLY_CREDITS, snapshotPool } from "../../worker/upstream/gate-policy";

const spend = (probesThisWeek: number) => ({ proxyToday: 0, searchToday: 0, snapshotThisWeek: 0, probesThisWeek });

describe("snapshotPool: who pays for a snapshot call", () => {
  it("pays an ordinary call from the reserve", () => {
    expect(snapshotPool(false, spend(0), 2)).toBe("snapshot");
  });

  it("pays a half-open probe from the probes' own allowance of 100 credits a week", () => {
    expect(PROBE_WEEKLY_CREDITS).toBe(100);
    expect(snapshotPool(true, spend(0), 2)).toBe("probe");
    expect(snapshotPool(true, spend(98), 2)).toBe("probe");
  });

  it("pays a probe from the reserve once the allowance is spent, rather than refusing it", () => {
    expect(snapshotPool(true, spend(100), 2)).toBe("snapshot");
  });
});
