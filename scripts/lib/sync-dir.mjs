// Makes one directory's files equal to another's by writing only the differences: new and changed
// files copied, files gone removed. `npm start` publishes each rebuilt site into the folder that
// `wrangler dev` serves this way, so its assets watcher sees a few hundred changed files — not a
// folder replaced under it — and serves them without a restart. Only when nothing is to be
// removed: wrangler dev dies when a file it is listing disappears (seen: ENOENT on a page's
// folder, then "all goroutines are asleep"), so `npm start` stops it first when a rebuild removes.
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmdirSync, statSync, unlinkSync } from "node:fs";
import { dirname, join, relative } from "node:path";

function files(dir) {
  try {
    return readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => relative(dir, join(entry.parentPath, entry.name)));
  } catch {
    return [];
  }
}

function sameBytes(a, b) {
  const sa = statSync(a);
  const sb = statSync(b);
  return sa.size === sb.size && readFileSync(a).equals(readFileSync(b));
}

/** The files of `to` that `from` does not have: what syncDir would remove. */
export function staleFiles(from, to) {
  const wanted = new Set(files(from));
  return files(to).filter((path) => !wanted.has(path));
}

/** @returns {{ written: number, removed: number, unchanged: number }} */
export function syncDir(from, to) {
  const wanted = new Set(files(from));
  let written = 0;
  let unchanged = 0;
  for (const path of wanted) {
    const source = join(from, path);
    const target = join(to, path);
    let same = false;
    try {
      same = sameBytes(source, target);
    } catch {
      // Not there yet.
    }
    if (same) {
      unchanged++;
      continue;
    }
    mkdirSync(dirname(target), { recursive: true });
    copyFileSync(source, target);
    written++;
  }
  let removed = 0;
  for (const path of files(to)) {
    if (wanted.has(path)) continue;
    unlinkSync(join(to, path));
    removed++;
    // Folders left empty go too (a page's folder), up to the root.
    for (let dir = dirname(join(to, path)); relative(to, dir) !== ""; dir = dirname(dir)) {
      try {
        rmdirSync(dir);
      } catch {
        break;
      }
    }
  }
  return { written, removed, unchanged };
}
