import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { basename, dirname } from "node:path";
import { describe, expect, it } from "vitest";

// docs/layout.md is the map a newcomer reads first: it cannot drift from the tree. Every file of
// worker/ and scripts/ is named in it (by its name, or a pattern like `demo*.ts`), every top-level
// folder has its line, and every file it names exists.
const MAP = readFileSync("docs/layout.md", "utf8");
const BLOCK = MAP.slice(MAP.indexOf("```") + 3, MAP.lastIndexOf("```"));
const NAMED = new Set(BLOCK.match(/[\w*.-]+\.(?:ts|mjs|sql|yml|astro|json)\b/g) ?? []);

const files = execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard"], { encoding: "utf8" })
  .split("\n")
  .filter(Boolean);

const glob = (pattern: string) => new RegExp(`^${pattern.replace(/[.]/g, "\\.").replace(/\*/g, ".*")}$`);
const named = (file: string) => [...NAMED].some((pattern) => glob(pattern).test(basename(file)));

describe("docs/layout.md", () => {
  it("names every file of worker/ and scripts/", () => {
    const code = files.filter((f) => /^(worker|scripts)\//.test(f) && /\.(ts|mjs)$/.test(f));
    expect(code.length).toBeGreaterThan(50);
    expect(code.filter((f) => !named(f) && !named(dirname(f)))).toEqual([]);
  });

  it("has a line for every top-level folder", () => {
    const folders = [...new Set(files.filter((f) => f.includes("/")).map((f) => f.split("/")[0]))];
    const lines = new Set(BLOCK.split("\n").map((line) => /^([\w.-]+)\//.exec(line)?.[1]));
    expect(folders.filter((folder) => !lines.has(folder) && folder !== ".ci")).toEqual([]);
  });

  it("names only files that exist", () => {
    const names = new Set(files.map((f) => basename(f)));
    const gone = [...NAMED].filter((pattern) => ![...names].some((name) => glob(pattern).test(name)));
    expect(gone).toEqual([]);
  });
});
