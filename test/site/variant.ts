/**
 * A copy of this project with other code, as a developer's next commit would be: the site, the
 * Worker's code and the files the build reads (the lock file among them, so Astro's cache stays
 * valid for it), with node_modules linked rather than copied. Tests build it from the cache a build
 * of this checkout left, as CI does after a commit that changes code.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const COPIED = ["site", "worker", "package.json", "package-lock.json", "tsconfig.json"];
/** What a checkout does not have: builds' output and caches. */
const NOT_COPIED = /(^|\/)(node_modules|dist|\.astro|\.dist-next)(\/|$)/;

export interface Variant {
  root: string;
  cleanup(): void;
}

/** The project with `edits` applied: each replaces exactly one occurrence of `from` in `file`. */
export function projectVariant(edits: readonly { file: string; from: string; to: string }[]): Variant {
  const here = process.cwd();
  const root = mkdtempSync(join(tmpdir(), "site-variant-"));
  for (const path of COPIED) {
    cpSync(join(here, path), join(root, path), {
      recursive: true,
      filter: (source) => !NOT_COPIED.test(resolve(source).slice(here.length)),
    });
  }
  symlinkSync(join(here, "node_modules"), join(root, "node_modules"));
  for (const { file, from, to } of edits) {
    const text = readFileSync(join(root, file), "utf8");
    if (text.split(from).length !== 2) throw new Error(`${file}: expected exactly one ${JSON.stringify(from)}`);
    writeFileSync(join(root, file), text.replace(from, to));
  }
  return { root, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}
