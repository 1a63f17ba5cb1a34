import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

// The project stands alone: whoever clones it can follow every reference in it. Design notes live
// in docs/, so no file of the repository may point at documents outside it.
const OUTSIDE = /\.\.\/shared\b|\bshared\/upstream\b|\b(DESIGN|FACTS|STYLE|TOOLCHAIN)\.md\b/;

/** Files git tracks, and those it would track (new, not ignored): what a clone or a commit holds. */
function repositoryFiles(): string[] {
  const out = execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard", "-z"], {
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  return out.split("\0").filter((file) => file !== "" && !/\.(png|jpe?g|gif|ico|woff2?|gz)$/.test(file));
}

describe("the project stands alone", () => {
  it("names no document outside the repository", () => {
    const offenders: string[] = [];
    for (const file of repositoryFiles()) {
      let text: string;
      try {
        text = readFileSync(file, "utf8");
      } catch {
        continue; // listed but gone from the working tree (a deletion not yet committed)
      }
      text.split("\n").forEach((line, i) => {
        if (OUTSIDE.test(line)) offenders.push(`${file}:${i + 1}: ${line.trim().slice(0, 120)}`);
      });
    }
    expect(offenders).toEqual([]);
  });

  it("would notice one (the check can fail)", () => {
    // Spelt in pieces, so this file does not name them itself.
    const md = ".md";
    for (const line of [
      `// see DESIGN${md} "Caches"`,
      `read ../${"shared"}/STYLE${md} first`,
      `(${"shared"}/upstream/FACTS${md})`,
    ])
      expect(OUTSIDE.test(line), line).toBe(true);
    expect(OUTSIDE.test("see docs/operations.md")).toBe(false);
  });
});
