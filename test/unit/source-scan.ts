/**
 * The repository's own source, read as text for checks over the whole tree (import-circles and
 * defined-once tests): every .ts, .mjs and .astro file under the folders the Worker, the site and
 * the scripts live in, by repository path.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, normalize, relative, sep } from "node:path";

export const SOURCE_ROOTS = ["worker", "site/src", "scripts"];
const SOURCE_FILE = /\.(ts|mjs|astro)$/;

/** Repository path (`worker/app.ts`) → text, for every source file under `roots`. */
export function readSources(repo: string, roots: readonly string[] = SOURCE_ROOTS): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory() && entry.name !== "node_modules") walk(path);
      else if (entry.isFile() && SOURCE_FILE.test(entry.name)) {
        files.set(relative(repo, path).split(sep).join("/"), readFileSync(path, "utf8"));
      }
    }
  };
  for (const root of roots) if (existsSync(join(repo, root))) walk(join(repo, root));
  return files;
}

export interface ImportEdge {
  /** The imported file's repository path. */
  to: string;
  /** `import type …` / `export type … from`: erased when compiled, no module is loaded. */
  typeOnly: boolean;
}

/**
 * Static import and re-export statements (at the start of a line, as the formatter writes them;
 * .astro files: their frontmatter and scripts alike) whose specifier is relative or `@worker/…`,
 * resolved against `files` as the bundlers do (extensionless → .ts, .mjs, .astro, /index.ts; a
 * `?raw` query dropped). Package imports, dynamic `import()` and files outside `files` are not edges.
 */
export function importEdges(path: string, text: string, files: ReadonlyMap<string, unknown>): ImportEdge[] {
  const statement = /^(?:import|export)\s+(type\s+)?(?:[\w*${}\s,]*?\s+from\s+)?["']([^"']+)["']/gm;
  const edges: ImportEdge[] = [];
  for (const [, type, specifier] of text.matchAll(statement)) {
    const to = resolveSpecifier(path, specifier!, files);
    if (to) edges.push({ to, typeOnly: type !== undefined });
  }
  return edges;
}

function resolveSpecifier(from: string, specifier: string, files: ReadonlyMap<string, unknown>): string | null {
  const bare = specifier.replace(/\?.*$/, "");
  let base: string;
  if (bare.startsWith("@worker/")) base = `worker/${bare.slice("@worker/".length)}`;
  else if (bare.startsWith("."))
    base = normalize(join(dirname(from), bare))
      .split(sep)
      .join("/");
  else return null;
  for (const candidate of [base, `${base}.ts`, `${base}.mjs`, `${base}.astro`, `${base}/index.ts`]) {
    if (files.has(candidate)) return candidate;
  }
  return null;
}
