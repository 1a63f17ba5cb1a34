// The one way scripts load the repository's TypeScript: Node's own type stripping (Node 22), with
// this resolve hook for what the sources write that Node does not resolve by itself: a relative
// import without its extension (`../charts/iso-week`) and the site's `@worker/…` alias
// (site/tsconfig.json). Importing this module registers the hook; later imports of .ts files then
// work whatever they import. Scripts whose TypeScript imports nothing (or only with extensions)
// load it the same way, without needing the hook.
import { register } from "node:module";

const WORKER = new URL("../../worker/", import.meta.url).href;

/** Where a specifier Node cannot resolve alone may be, in the order tried. */
export function candidates(specifier) {
  const aliased = specifier.startsWith("@worker/") ? `${WORKER}${specifier.slice("@worker/".length)}` : specifier;
  if (/\.[cm]?[jt]s$/.test(aliased)) return [aliased];
  return [`${aliased}.ts`, `${aliased}/index.ts`, aliased];
}

const HOOKS = `
const candidates = ${candidates.toString()};
const WORKER = ${JSON.stringify(WORKER)};
export async function resolve(specifier, context, next) {
  const ours = specifier.startsWith("@worker/") || ((specifier.startsWith("./") || specifier.startsWith("../")) && context.parentURL?.endsWith(".ts"));
  if (!ours) return next(specifier, context);
  let lastError;
  for (const candidate of candidates(specifier)) {
    try {
      return await next(candidate, context);
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError;
}`;

register(`data:text/javascript,${encodeURIComponent(HOOKS)}`);
