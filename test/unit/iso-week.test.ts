import { describe, expect, it } from "vitest";
import {
  addWeeks,
  compareWeeks,
  isIsoWeek,
  isoWeekOf,
  isPastWindow,
  nextWeek,
  normaliseIsoWeek,
  parseIsoWeek,
  previousWeek,
  snapshotWindow,
  WEEK_MS,
  weekStart,
  weeksBetween,
  weeksInYear,
  weekToSnapshot,
} from "../../worker/charts/iso-week";

const at = (iso: string) => Date.parse(iso);

describe("isoWeekOf", () => {
  // Expected values from Python's date.isocalendar().
  it.each([
    ["2026-11-16T00:00:00.000Z", "2026-W47"],
    ["2026-11-22T23:59:59.999Z", "2026-W47"],
    ["2026-11-23T00:00:00.000Z", "2026-W48"],
    ["2026-01-01T12:00:00.000Z", "2026-W01"],
    ["2025-12-29T00:00:00.000Z", "2026-W01"],
    ["2025-12-28T23:59:59.999Z", "2025-W52"],
    ["2026-12-28T00:00:00.000Z", "2026-W53"],
    ["2027-01-03T23:59:59.999Z", "2026-W53"],
    ["2027-01-04T00:00:00.000Z", "2027-W01"],
    ["2020-12-31T00:00:00.000Z", "2020-W53"],
    ["2021-01-03T23:59:59.999Z", "2020-W53"],
    ["2021-01-04T00:00:00.000Z", "2021-W01"],
    ["2008-12-29T00:00:00.000Z", "2009-W01"],
    ["2010-01-03T00:00:00.000Z", "2009-W53"],
    ["2000-01-01T00:00:00.000Z", "1999-W52"],
    ["1969-12-29T00:00:00.000Z", "1970-W01"],
    ["1969-12-28T23:59:59.999Z", "1969-W52"],
  ])("puts %s in %s", (instant, week) => {
    expect(isoWeekOf(at(instant))).toBe(week);
  });

  it("rejects a time that is not a number", () => {
    expect(() => isoWeekOf(Number.NaN)).toThrow(RangeError);
  });

  it("agrees with a day-by-day walk of weeks from 1995 to 2045", () => {
    let year = 1995;
    let week = 1;
    let dayInWeek = 0;
    const end = at("2046-01-01T00:00:00Z");
    for (let ms = at("1995-01-02T00:00:00Z"); ms < end; ms += 86_400_000) {
      expect(isoWeekOf(ms + 43_200_000)).toBe(`${year}-W${String(week).padStart(2, "0")}`);
      if (++dayInWeek === 7) {
        dayInWeek = 0;
        if (++week > weeksInYear(year)) [year, week] = [year + 1, 1];
      }
    }
  });
});

describe("weeksInYear", () => {
  it("gives 53 exactly to the long years of 1990–2040", () => {
    const long = [1992, 1998, 2004, 2009, 2015, 2020, 2026, 2032, 2037];
    for (let year = 1990; year <= 2040; year++) {
      expect(weeksInYear(year), String(year)).toBe(long.includes(year) ? 53 : 52);
    }
  });
});

describe("parseIsoWeek and normaliseIsoWeek", () => {
  it("parses canonical weeks, including week 53 of a long year", () => {
    expect(parseIsoWeek("2026-W47")).toEqual({ year: 2026, week: 47 });
    expect(parseIsoWeek("2026-W53")).toEqual({ year: 2026, week: 53 });
    expect(parseIsoWeek("2020-W53")).toEqual({ year: 2020, week: 53 });
    expect(parseIsoWeek("2027-W01")).toEqual({ year: 2027, week: 1 });
  });

  it.each([
    "2026-W00",
    "2026-W54",
    "2027-W53",
    "2025-W53",
    "2026-w47",
    "2026W47",
    "26-W47",
    "2026-W7",
    "2026-W047",
    " 2026-W47",
    "2026-W47 ",
    "2026-W47\n",
    "2026-W4a",
    "2026-W47-1",
    "+2026-W47",
    "２０２６-W47",
    "",
  ])("rejects %j", (text) => {
    expect(parseIsoWeek(text)).toBeNull();
    expect(isIsoWeek(text)).toBe(false);
  });

  it("normalises a lower-case w and still validates", () => {
    expect(normaliseIsoWeek("2026-w53")).toBe("2026-W53");
    expect(normaliseIsoWeek("2026-W47")).toBe("2026-W47");
    expect(normaliseIsoWeek("2027-w53")).toBeNull();
    expect(normaliseIsoWeek("2026-w7")).toBeNull();
    expect(normaliseIsoWeek("latest")).toBeNull();
  });
});

describe("week arithmetic", () => {
  it("starts each week on Monday 00:00 UTC", () => {
    expect(weekStart("2026-W47")).toBe(at("2026-11-16T00:00:00Z"));
    expect(weekStart("2026-W01")).toBe(at("2025-12-29T00:00:00Z"));
    expect(weekStart("2026-W53")).toBe(at("2026-12-28T00:00:00Z"));
    expect(weekStart("2027-W01")).toBe(at("2027-01-04T00:00:00Z"));
    expect(weekStart("2020-W53")).toBe(at("2020-12-28T00:00:00Z"));
  });

  it("throws on a malformed week, which is a bug rather than absent data", () => {
    expect(() => weekStart("2027-W53")).toThrow(RangeError);
    expect(() => addWeeks("nonsense", 1)).toThrow(RangeError);
    expect(() => addWeeks("2026-W47", 0.5)).toThrow(RangeError);
  });

  it("crosses the 2026 → 2027 boundary through week 53", () => {
    expect(addWeeks("2026-W52", 1)).toBe("2026-W53");
    expect(addWeeks("2026-W52", 2)).toBe("2027-W01");
    expect(nextWeek("2026-W53")).toBe("2027-W01");
    expect(previousWeek("2027-W01")).toBe("2026-W53");
    expect(previousWeek("2021-W01")).toBe("2020-W53");
    expect(previousWeek("2026-W01")).toBe("2025-W52");
    expect(nextWeek("2025-W52")).toBe("2026-W01");
  });

  it("adds zero, negative and many weeks", () => {
    expect(addWeeks("2026-W47", 0)).toBe("2026-W47");
    expect(addWeeks("2026-W47", -47)).toBe("2025-W52");
    expect(addWeeks("2020-W01", 53 + 52 * 5 + 53)).toBe("2027-W01");
  });

  it("round-trips every week of 2019–2028 through its start and end", () => {
    for (let year = 2019; year <= 2028; year++) {
      for (let n = 1; n <= weeksInYear(year); n++) {
        const week = `${year}-W${String(n).padStart(2, "0")}`;
        expect(isoWeekOf(weekStart(week))).toBe(week);
        expect(isoWeekOf(weekStart(week) + WEEK_MS - 1)).toBe(week);
      }
    }
  });

  it("orders weeks across years", () => {
    const weeks = ["2027-W01", "2026-W53", "2026-W09", "2026-W10", "2025-W52"];
    expect(weeks.sort(compareWeeks)).toEqual(["2025-W52", "2026-W09", "2026-W10", "2026-W53", "2027-W01"]);
    expect(compareWeeks("2026-W47", "2026-W47")).toBe(0);
  });

  it("lists weeks between two weeks, both included", () => {
    expect(weeksBetween("2026-W52", "2027-W02")).toEqual(["2026-W52", "2026-W53", "2027-W01", "2027-W02"]);
    expect(weeksBetween("2026-W47", "2026-W47")).toEqual(["2026-W47"]);
    expect(weeksBetween("2026-W48", "2026-W47")).toEqual([]);
    expect(weeksBetween("2020-W01", "2020-W53")).toHaveLength(53);
  });
});

describe("snapshot window", () => {
  const opens = at("2026-11-23T00:00:00Z");
  const closes = at("2026-11-25T00:00:00Z");

  it("opens Monday 00:00 UTC after the week and closes Wednesday 00:00 UTC", () => {
    expect(snapshotWindow("2026-W47")).toEqual({ opens, closes });
    expect(snapshotWindow("2026-W53")).toEqual({
      opens: at("2027-01-04T00:00:00Z"),
      closes: at("2027-01-06T00:00:00Z"),
    });
  });

  it("targets the week just ended, open from the first to the last millisecond", () => {
    expect(weekToSnapshot(opens - 1)).toEqual({ week: "2026-W46", open: false });
    expect(weekToSnapshot(opens)).toEqual({ week: "2026-W47", open: true });
    expect(weekToSnapshot(closes - 1)).toEqual({ week: "2026-W47", open: true });
    expect(weekToSnapshot(closes)).toEqual({ week: "2026-W47", open: false });
    expect(weekToSnapshot(at("2026-11-29T23:59:59.999Z"))).toEqual({
      week: "2026-W47",
      open: false,
    });
  });

  it("targets week 53 in the first days of 2027", () => {
    expect(weekToSnapshot(at("2026-12-28T00:00:00Z"))).toEqual({ week: "2026-W52", open: true });
    expect(weekToSnapshot(at("2027-01-04T00:00:00Z"))).toEqual({ week: "2026-W53", open: true });
    expect(weekToSnapshot(at("2027-01-06T00:00:00Z"))).toEqual({ week: "2026-W53", open: false });
    expect(weekToSnapshot(at("2027-01-11T08:00:00Z"))).toEqual({ week: "2027-W01", open: true });
  });

  it("says a week is past its window only from the closing millisecond", () => {
    expect(isPastWindow("2026-W47", at("2026-11-18T00:00:00Z"))).toBe(false);
    expect(isPastWindow("2026-W47", opens)).toBe(false);
    expect(isPastWindow("2026-W47", closes - 1)).toBe(false);
    expect(isPastWindow("2026-W47", closes)).toBe(true);
    expect(isPastWindow("2026-W46", opens)).toBe(true);
  });
});
