import { describe, expect, it } from "vitest";
import { importEdges, readSources } from "./source-scan";

/**
 * No module of the Worker, the site or the scripts imports itself through others: a circle makes
 * the load order decide what a module sees, and says two modules are one concern split wrongly.
 * Type-only imports count too: they load nothing, but a circle of types is the same split.
 */

/** Every circle of `files`' imports, each once, as the path around it (first file repeated at the end). */
function importCircles(files: ReadonlyMap<string, string>): string[][] {
  const graph = new Map([...files].map(([path, text]) => [path, importEdges(path, text, files).map((e) => e.to)]));
  const state = new Map<string, "open" | "done">();
  const stack: string[] = [];
  const circles: string[][] = [];
  const visit = (path: string) => {
    state.set(path, "open");
    stack.push(path);
    for (const next of new Set(graph.get(path))) {
      if (state.get(next) === "open") circles.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(path, "done");
  };
  for (const path of [...graph.keys()].sort()) if (!state.has(path)) visit(path);
  return circles;
}

describe("imports", () => {
  it("form no circle in worker/, site/src or scripts/", () => {
    const files = readSources(process.cwd());
    expect(files.size).toBeGreaterThan(150);
    expect(importCircles(files).map((circle) => circle.join(" → "))).toEqual([]);
  });

  it("follow relative and @worker/ specifiers, type-only ones included", () => {
    const files = new Map([
      ["site/src/lib/a.ts", 'import type { B } from "./b";\nimport { z } from "zod";\n'],
      ["site/src/lib/b.ts", 'import {\n  type C,\n  c,\n} from "@worker/charts/c";\n'],
      ["worker/charts/c.ts", 'export { a } from "../../site/src/lib/a.ts";\n'],
      ["site/src/pages/d.astro", '---\nimport { a } from "../lib/a";\n---\n'],
    ]);
    expect(importCircles(files)).toEqual([
      ["site/src/lib/a.ts", "site/src/lib/b.ts", "worker/charts/c.ts", "site/src/lib/a.ts"],
    ]);
  });

  it("are no circle when only a comment or a package names the file", () => {
    const files = new Map([
      ["worker/a.ts", '// import { b } from "./b";\nimport { Hono } from "hono";\n'],
      ["worker/b.ts", 'import { a } from "./a";\n'],
    ]);
    expect(importCircles(files)).toEqual([]);
  });
});
