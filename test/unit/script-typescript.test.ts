import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { candidates } from "../../scripts/lib/typescript-hooks.mjs";

// Scripts load the repository's TypeScript one way: Node's own type stripping, with the resolve
// hook of scripts/lib/typescript-hooks.mjs for extensionless imports and the site's @worker/ alias.
describe("scripts load TypeScript with Node's type stripping", () => {
  it("tries the .ts file, then the folder's index, for an import written without its extension", () => {
    expect(candidates("../charts/iso-week")).toEqual([
      "../charts/iso-week.ts",
      "../charts/iso-week/index.ts",
      "../charts/iso-week",
    ]);
    expect(candidates("./feed.ts")).toEqual(["./feed.ts"]);
    const [aliased] = candidates("@worker/schemas/slim");
    expect(aliased).toMatch(/\/worker\/schemas\/slim\.ts$/);
    expect(aliased?.startsWith("file://")).toBe(true);
  });

  it("loads a chain of site and Worker modules (make-site-archive.mjs) with no other loader", () => {
    const dir = mkdtempSync(join(tmpdir(), "site-archive-"));
    try {
      const out = join(dir, "a.jsonl");
      execFileSync(process.execPath, ["scripts/make-site-archive.mjs", out, "2", "3"], { stdio: "pipe" });
      const lines = readFileSync(out, "utf8").trim().split("\n");
      expect(lines.length).toBeGreaterThan(6); // a header line, then 2 regions × 3 weeks of charts
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
