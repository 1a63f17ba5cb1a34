// The resolve hook scripts/lib/typescript.mjs registers: what the sources write that Node does not
// resolve by itself — a relative import without its extension (`../charts/iso-week`) from a .ts
// file, and the site's `@worker/…` alias (site/tsconfig.json).
const WORKER = new URL("../../worker/", import.meta.url).href;

/** Where a specifier Node cannot resolve alone may be, in the order tried. */
export function candidates(specifier) {
  const aliased = specifier.startsWith("@worker/") ? `${WORKER}${specifier.slice("@worker/".length)}` : specifier;
  if (/\.[cm]?[jt]s$/.test(aliased)) return [aliased];
  return [`${aliased}.ts`, `${aliased}/index.ts`, aliased];
}

export async function resolve(specifier, context, next) {
  const relativeFromTs = /^\.\.?\//.test(specifier) && context.parentURL?.endsWith(".ts");
  if (!specifier.startsWith("@worker/") && !relativeFromTs) return next(specifier, context);
  let lastError;
  for (const candidate of candidates(specifier)) {
    try {
      return await next(candidate, context);
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError;
}
