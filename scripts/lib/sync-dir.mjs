// Makes one directory's files equal to another's by writing only the differences: new and changed
// files copied, files gone removed. `npm start` publishes each rebuilt site into the folder that
// `wrangler dev` serves this way, so its assets watcher sees a few hundred changed files — not a
// folder replaced under it — and serves them without a restart. Only when nothing is to be
// removed: wrangler dev dies when a file it is listing disappears (seen: ENOENT on a page's
// folder, then "all goroutines are asleep"), so `npm start` stops it first when a rebuild removes.
// Given a `known` map kept between calls, a file whose two copies are exactly as the last call left
// them (size, modification time to the nanosecond and inode, on both sides) is not read again: the
// build rewrites only the pages that changed, so most of a rebuild's 1,000+ files are skipped.
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

/** What a file is on disk now, cheaply: changes whenever it is written or replaced. */
function signature(path) {
  try {
    const s = statSync(path, { bigint: true });
    return `${s.size}:${s.mtimeNs}:${s.ino}`;
  } catch {
    return null;
  }
}

/**
 * @param {string} from
 * @param {string} to
 * @param {{ known?: Map<string, string> }} [options] `known`: what this function left last time
 * @returns {{ written: number, removed: number, unchanged: number, created: string[] }} `created`: files `to` did not have
 */
export function syncDir(from, to, { known } = {}) {
  const wanted = new Set(files(from));
  let written = 0;
  let unchanged = 0;
  const created = [];
  for (const path of wanted) {
    const source = join(from, path);
    const target = join(to, path);
    const before = known && `${signature(source)}|${signature(target)}`;
    if (before && known.get(path) === before) {
      unchanged++;
      continue;
    }
    let same = false;
    let existed = true;
    try {
      same = sameBytes(source, target);
    } catch {
      existed = false; // not there yet
    }
    if (same) unchanged++;
    else {
      mkdirSync(dirname(target), { recursive: true });
      copyFileSync(source, target);
      written++;
      if (!existed) created.push(path);
    }
    known?.set(path, `${signature(source)}|${signature(target)}`);
  }
  let removed = 0;
  for (const path of files(to)) {
    if (wanted.has(path)) continue;
    unlinkSync(join(to, path));
    known?.delete(path);
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
  return { written, removed, unchanged, created };
}
