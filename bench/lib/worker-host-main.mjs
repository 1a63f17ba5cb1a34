// Runs one Worker under workerd through Miniflare's API, with no dev-server proxy in front:
// either the product (the bundle from `wrangler deploy --dry-run`, bindings read from
// wrangler.toml: KV, D1, the gate Durable Object, vars) or a trivial Worker returning fixed bytes
// from memory (the runtime's ceiling). Prints one JSON line when ready:
//   {"workerHost": {"entry": "<url>", "direct": "<url>"}}
// `entry` goes through Miniflare's entry worker (needed for /cdn-cgi/local/scheduled); `direct` is
// a socket on the Worker itself, what the load generator uses. Stops on SIGTERM.
//   node bench/lib/worker-host-main.mjs '<spec json>'
// spec: { kind: "product" | "trivial" | "trivial-cache" | "trivial-kv-colo", bundleDir, stateDir, vars?, cacheApi?, bodyFile?, cachedBodyFile?, kvValueFile?, inspect?, assets?, migrate? }
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { convertV4MiniflareOptions, Miniflare } from "miniflare";
import { unstable_getMiniflareWorkerOptions, unstable_splitSqlQuery } from "wrangler";

const spec = JSON.parse(process.argv[2] ?? "{}");
const NAME = spec.kind === "product" ? "trending-sounds" : spec.kind;

function productWorker() {
  const { workerOptions } = unstable_getMiniflareWorkerOptions("wrangler.toml");
  // Assets are served by Cloudflare's asset router, not the Worker; the hit path never reaches
  // them (run_worker_first). Options Miniflare 5 cannot convert without a loss are not used here.
  // `assets: true` keeps them (the built site in site/dist): pages the Worker fills from them.
  for (const name of ["assets", "modulesRules", "cronTriggers", "email"])
    if (!(name === "assets" && spec.assets)) delete workerOptions[name];
  for (const [name, value] of Object.entries(workerOptions)) {
    if (value && typeof value === "object" && !Array.isArray(value) && Object.keys(value).length === 0)
      delete workerOptions[name];
    if (Array.isArray(value) && value.length === 0) delete workerOptions[name];
  }
  return {
    ...workerOptions,
    name: NAME,
    rootPath: spec.bundleDir,
    modules: true,
    scriptPath: join(spec.bundleDir, "index.js"),
    bindings: { ...workerOptions.bindings, ...spec.vars },
    cacheAPI: spec.cacheApi !== false,
  };
}

// The runtime's ceiling: the same bytes from memory. "trivial-cache" first reads a stored copy
// (`cachedBodyFile`, else BODY; written on first use) from the Cache API on every request, as the
// product does for an answer its isolate has not rendered, then answers BODY from memory: the
// baseline that leaves the product's own work when it is subtracted.
const TRIVIAL = `export default { fetch() { return new Response(BODY, { headers: HEADERS }); } };`;
const TRIVIAL_CACHE = `const KEY = "https://colo-cache.bench.internal/page";
export default {
  async fetch() {
    let hit = await caches.default.match(KEY);
    if (!hit) {
      const headers = { "Content-Type": "application/json", "Cache-Control": "public, max-age=86400" };
      await caches.default.put(KEY, new Response(CACHED, { headers }));
      hit = await caches.default.match(KEY);
    }
    await hit.text();
    return new Response(BODY, { headers: HEADERS });
  },
};`;

// The first render's baseline: what the product does around a first render in a colo, without the
// render — a miss in the Cache API, a read of a stored value (`kvValueFile`: one of the product's
// own KV values, of the typical size; written on first use) from KV, BODY written to the Cache API
// under the request's own key (in waitUntil, as the product does) and answered from memory.
const TRIVIAL_KV_COLO = `const KEY = "typical-stored-value";
export default {
  async fetch(request, env, ctx) {
    const key = "https://colo-cache.bench.internal/" + new URL(request.url).search;
    const hit = await caches.default.match(key);
    if (hit) await hit.text();
    let stored = await env.STORE.get(KEY);
    if (stored === null) {
      await env.STORE.put(KEY, STORED);
      stored = await env.STORE.get(KEY);
    }
    const headers = { "Content-Type": "application/json", "Cache-Control": "public, max-age=86400" };
    ctx.waitUntil(caches.default.put(key, new Response(BODY, { headers })));
    return new Response(BODY, { headers: HEADERS });
  },
};`;

function trivialWorker() {
  const body = readFileSync(spec.bodyFile, "utf8");
  const cached = spec.cachedBodyFile ? readFileSync(spec.cachedBodyFile, "utf8") : body;
  const stored = spec.kvValueFile ? readFileSync(spec.kvValueFile, "utf8") : body;
  const code = { "trivial-cache": TRIVIAL_CACHE, "trivial-kv-colo": TRIVIAL_KV_COLO }[spec.kind] ?? TRIVIAL;
  const script = `const BODY = ${JSON.stringify(body)};
const CACHED = ${JSON.stringify(cached)};
const STORED = ${JSON.stringify(stored)};
const HEADERS = { "Content-Type": "application/json; charset=utf-8" };
${code}
`;
  writeFileSync(join(spec.stateDir, "trivial.mjs"), script);
  const { workerOptions } = unstable_getMiniflareWorkerOptions("wrangler.toml");
  return {
    name: NAME,
    rootPath: spec.stateDir,
    modules: true,
    scriptPath: join(spec.stateDir, "trivial.mjs"),
    compatibilityDate: workerOptions.compatibilityDate,
    compatibilityFlags: workerOptions.compatibilityFlags,
    cacheAPI: spec.kind === "trivial-cache" || spec.kind === "trivial-kv-colo",
    ...(spec.kind === "trivial-kv-colo" ? { kvNamespaces: { STORE: "bench-store" } } : {}),
  };
}

const worker = spec.kind === "product" ? productWorker() : trivialWorker();
const mf = new Miniflare(
  convertV4MiniflareOptions({
    host: "127.0.0.1",
    port: 0,
    // For a CPU profile of the Worker's isolate (bench/lib/profile.mjs), when asked.
    ...(spec.inspect ? { inspectorPort: 0 } : {}),
    // Per-request log lines would go through Node: a cost production does not have.
    logRequests: false,
    unsafeTriggerHandlers: true,
    resourcePersistencePath: join(spec.stateDir, "persist"),
    resourceTmpPath: join(spec.stateDir, "tmp"),
    workers: [{ ...worker, unsafeDirectSockets: [{ host: "127.0.0.1", port: 0 }] }],
  }),
);
const stop = () => mf.dispose().finally(() => process.exit(0));
process.once("SIGTERM", stop);
process.once("SIGINT", stop);

const entry = await mf.ready;
// `migrate: false`: a persisted state brought to the schema already (bench/lib/ten-years.mjs, bench:scale).
if (spec.kind === "product" && spec.migrate !== false) {
  // wrangler dev does not migrate either: apply the committed schema, as `wrangler d1 migrations
  // apply` would, recording each in its table — a host started again on the same state skips them.
  const db = await mf.getD1Database("DB");
  await db
    .prepare(
      "CREATE TABLE IF NOT EXISTS d1_migrations (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT UNIQUE, applied_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP NOT NULL)",
    )
    .run();
  const applied = new Set((await db.prepare("SELECT name FROM d1_migrations").all()).results.map((r) => r.name));
  for (const file of readdirSync("migrations")
    .filter((f) => f.endsWith(".sql") && !applied.has(f))
    .sort()) {
    const statements = unstable_splitSqlQuery(readFileSync(join("migrations", file), "utf8"));
    const record = db.prepare("INSERT INTO d1_migrations (name) VALUES (?)").bind(file);
    await db.batch([...statements.map((sql) => db.prepare(sql)), record]);
  }
}
const direct = await mf.unsafeGetDirectURL(NAME);
const inspector = spec.inspect ? (await mf.getInspectorURL()).href.replace(/\/$/, "") : null;
const strip = (url) => url.href.replace(/\/$/, "");
console.log(JSON.stringify({ workerHost: { entry: strip(entry), direct: strip(direct), inspector, name: NAME } }));
