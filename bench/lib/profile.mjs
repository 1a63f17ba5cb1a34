// A CPU profile of the Worker's own isolate over a load run (V8's sampling profiler through
// workerd's inspector), summarised by source file of the bundle (mapped back with its source
// map) and by a few functions of the hit path: where a hit's CPU goes, to say what would cut it.
import { readFileSync } from "node:fs";
import { SourceMap } from "node:module";
import { join } from "node:path";
import { request } from "./http.mjs";

async function targetUrl(inspector, name) {
  const http = inspector.replace(/^ws/, "http");
  const list = JSON.parse((await request(`${http}/json/list`)).body.toString("utf8"));
  const target = list.find((t) => t.title?.includes(name) || t.id?.includes(name)) ?? list[0];
  if (!target?.webSocketDebuggerUrl) throw new Error(`no inspector target for ${name}: ${JSON.stringify(list)}`);
  return target.webSocketDebuggerUrl;
}

function session(url) {
  const socket = new WebSocket(url);
  let id = 0;
  const pending = new Map();
  socket.addEventListener("message", (event) => {
    const message = JSON.parse(String(event.data));
    const waiter = pending.get(message.id);
    if (!waiter) return;
    pending.delete(message.id);
    if (message.error) waiter.reject(new Error(JSON.stringify(message.error)));
    else waiter.resolve(message.result);
  });
  const opened = new Promise((resolve, reject) => {
    socket.addEventListener("open", resolve, { once: true });
    socket.addEventListener("error", () => reject(new Error(`inspector ${url} refused`)), { once: true });
  });
  return {
    opened,
    send(method, params = {}) {
      const message = { id: ++id, method, params };
      return new Promise((resolve, reject) => {
        pending.set(message.id, { resolve, reject });
        socket.send(JSON.stringify(message));
      });
    },
    close: () => socket.close(),
  };
}

/** Runs `load()` while the isolate is profiled; returns the raw V8 profile. */
export async function profileWhile(host, load) {
  const s = session(await targetUrl(host.inspector, host.name));
  await s.opened;
  await s.send("Profiler.enable");
  await s.send("Profiler.setSamplingInterval", { interval: 200 });
  await s.send("Profiler.start");
  const result = await load();
  const { profile } = await s.send("Profiler.stop");
  s.close();
  return { profile, result };
}

const SPECIAL = new Set(["(program)", "(idle)", "(garbage collector)", "(root)"]);

/**
 * Self time by source (node_modules package, worker/… file, or V8's own buckets), and inclusive
 * time of the named functions, in percent of the isolate's busy samples.
 */
export function summarise(profile, bundleDir, functions) {
  const map = new SourceMap(JSON.parse(readFileSync(join(bundleDir, "index.js.map"), "utf8")));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const sourceOf = (frame) => {
    if (SPECIAL.has(frame.functionName)) return frame.functionName;
    if (!frame.url) return "(native)";
    if (!frame.url.endsWith("index.js")) return frame.url;
    const entry = map.findEntry(frame.lineNumber, frame.columnNumber);
    const file = entry?.originalSource ?? "(unmapped)";
    const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file)?.[1];
    return pkg ? `npm:${pkg}` : file.replace(/^.*?\/(worker\/)/, "$1");
  };
  const selfBySource = {};
  const selfByFunction = {};
  const inclusive = Object.fromEntries(functions.map((f) => [f, 0]));
  let busy = 0;
  const samples = profile.samples ?? [];
  const counts = new Map();
  for (const sample of samples) counts.set(sample, (counts.get(sample) ?? 0) + 1);
  for (const [nodeId, hits] of counts) {
    const node = byId.get(nodeId);
    if (!node || node.callFrame.functionName === "(idle)") continue;
    busy += hits;
    const source = sourceOf(node.callFrame);
    selfBySource[source] = (selfBySource[source] ?? 0) + hits;
    const fn = `${node.callFrame.functionName || "(anonymous)"} ${source}`;
    selfByFunction[fn] = (selfByFunction[fn] ?? 0) + hits;
    const seen = new Set();
    for (let id = nodeId; id !== undefined; id = parent.get(id)) {
      const name = byId.get(id)?.callFrame.functionName;
      if (name && name in inclusive && !seen.has(name)) {
        seen.add(name);
        inclusive[name] += hits;
      }
    }
  }
  const percent = (n) => +((100 * n) / Math.max(1, busy)).toFixed(1);
  const self = Object.entries(selfBySource)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 15)
    .map(([source, hits]) => ({ source, percent: percent(hits) }));
  const topFunctions = Object.entries(selfByFunction)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 20)
    .map(([fn, hits]) => ({ function: fn, percent: percent(hits) }));
  return {
    busySamples: busy,
    busySeconds: +((busy * (profile.timeDeltas?.length ? averageDelta(profile) : 0)) / 1e6).toFixed(3),
    topFunctions,
    selfBySource: self,
    inclusive: Object.fromEntries(Object.entries(inclusive).map(([f, n]) => [f, percent(n)])),
  };
}

function averageDelta(profile) {
  const deltas = profile.timeDeltas ?? [];
  return deltas.reduce((a, b) => a + b, 0) / Math.max(1, deltas.length);
}
