import { describe, expect, it } from "vitest";
import { REGIONS, regionName } from "../../worker/charts/regions";

// Region names are part of published feed items (frozen): a fixed table, never the platform's
// CLDR data, which renames regions between ICU versions.
describe("region names", () => {
  it("names every region, once each", () => {
    const names = REGIONS.map((code) => regionName(code));
    expect(names.every((name) => name.length > 2)).toBe(true);
    expect(new Set(names).size).toBe(REGIONS.length);
  });

  it("are the names feeds were published with, whatever the runtime's ICU says", () => {
    expect(regionName("GB")).toBe("United Kingdom");
    expect(regionName("TR")).toBe("Türkiye");
    expect(regionName("MO")).toBe("Macao SAR China");
    expect(regionName("MM")).toBe("Myanmar (Burma)");
  });
});
