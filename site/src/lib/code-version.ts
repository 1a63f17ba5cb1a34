/**
 * The version of the code that shapes what a build keeps between runs (the global chart's
 * rankings, archive/ranking-store.ts): a hash of every source file the site's pages are made by —
 * the site's own code, the Worker's domain code it imports, the Astro config — and of the lock
 * file (a dependency's update can change a result too). Coarse on purpose: a kept result is
 * reused only by the very code that made it, and any doubt costs a recomputation, never a stale page.
 * Read by astro.config.mjs before the build, from the project's root.
 */
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";

/** Paths under the project's root whose files make the version (folders are walked). */
export const CODE_INPUTS = ["site/src", "site/astro.config.mjs", "worker", "package-lock.json"];

function filesUnder(root: string, path: string): string[] {
  const full = join(root, path);
  if (!statSync(full, { throwIfNoEntry: false })) return [];
  if (!statSync(full).isDirectory()) return [path];
  return readdirSync(full, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(root, join(entry.parentPath, entry.name)));
}

export function codeVersion(root: string): string {
  const hash = createHash("sha256");
  const files = CODE_INPUTS.flatMap((path) => filesUnder(root, path)).sort();
  for (const file of files)
    hash
      .update(`${file}\n`)
      .update(readFileSync(join(root, file)))
      .update("\n");
  return hash.digest("base64url").slice(0, 22);
}
