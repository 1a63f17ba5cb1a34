import { describe, expect, it } from "vitest";
import { weekComplete, weekJustEnded } from "../../scripts/lib/week-status.mjs";

// Monday 2026-11-23 12:00 UTC: 2026-W47 just ended; its window closes Wednesday 2026-11-25 00:00.
const MONDAY = Date.UTC(2026, 10, 23, 12);
const status = (...weeks: (string | null)[]) => ({ regions: weeks.map((latestWeek) => ({ latestWeek })) });

describe("when the weekly rebuild may start (npm run wait-for-week, deploy --wait)", () => {
  it("works on the week that has just ended", () => {
    expect(weekJustEnded(MONDAY)).toBe("2026-W47");
    expect(weekJustEnded(Date.UTC(2027, 0, 4, 1))).toBe("2026-W53");
  });

  it("waits while a region lacks the week, and goes once every region has it or a later one", () => {
    expect(weekComplete(status("2026-W47", "2026-W46", null), "2026-W47", MONDAY)).toEqual({
      complete: false,
      why: "2 of 3 regions still missing",
    });
    expect(weekComplete(status("2026-W47", "2026-W48"), "2026-W47", MONDAY).complete).toBe(true);
  });

  it("goes once the week's window has closed, whatever is missing (those regions have gaps)", () => {
    const closes = Date.UTC(2026, 10, 25);
    expect(weekComplete(status(null), "2026-W47", closes - 1).complete).toBe(false);
    expect(weekComplete(status(null), "2026-W47", closes)).toEqual({
      complete: true,
      why: "its snapshot window has closed",
    });
  });
});
