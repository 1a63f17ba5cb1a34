// The figures of docs/performance.md as Markdown, every number read from the results: the goal rows,
// the tables of each timed section, and the run's conditions. Pure functions of the results.
import { BUSY_OTHER_CORES_PER_CPU } from "./machine.mjs";
import { withSpread } from "./stats.mjs";

export const cell = (text) => String(text ?? "—").replaceAll("|", "\\|");
const mark = (met) => (met === null ? "" : met ? "met" : "**not met**");
const range = (s, unit = "") => (s ? `${s.median}${unit} (${s.min}–${s.max})` : "—");

export function goalsTable(results, section) {
  const rows = (results.goals ?? []).filter((g) => g.section === section);
  if (rows.length === 0) return "";
  const lines = ["| | measured | |", "|---|---|---|"];
  for (const g of rows) lines.push(`| ${cell(g.goal)} | ${cell(g.measured)} | ${mark(g.met)} |`);
  return lines.join("\n");
}

/** The conditions of the run: its command, the machine, each section's load and whether it was busy. */
export function conditions(results) {
  const m = results.machine;
  const load = Object.entries(results.load ?? {});
  const busy = load.filter(([, l]) => l.busy);
  const perSection = load
    .map(
      ([name, l]) =>
        `${name} ${l.loadAverageAtStart[0]}${l.otherCores === null ? "" : ` (others ${l.otherCores} cores)`}`,
    )
    .join(", ");
  const verdict = busy.length
    ? `**busy** during ${busy.map(([name]) => name).join(", ")} (other processes used more than ${BUSY_OTHER_CORES_PER_CPU * 100} % of the machine's CPU): read those sections' ratios, not their absolute figures`
    : `no section was busy (other processes used at most ${BUSY_OTHER_CORES_PER_CPU * 100} % of the machine's CPU in each)`;
  return [
    `Last run: ${results.date.slice(0, 10)}, \`${results.command}\`, ${results.seconds} s, ${m.cpus} × ${m.cpuModel}; ` +
      `Miniflare ${m.miniflare} (workerd ${m.workerd}), wrk ${m.wrk ?? "—"}, ${m.undici ? `undici ${m.undici}` : `hey ${m.hey ?? "—"}`}, nginx ${m.nginx ?? "—"}; ` +
      `${results.options.rounds} rounds of ${results.options.seconds} s a run. Every figure is in \`bench/results/latest.json\`.`,
    "",
    ...(results.replaced ?? []).map(
      (r) =>
        `The ${r.sections.join(", ")} section${r.sections.length > 1 ? "s are" : " is"} from a later run, \`${r.command}\` (${r.date.slice(0, 16).replace("T", " ")} UTC, ${r.seconds} s)${r.why ? `: ${r.why}` : ""}.\n`,
    ),
    load.length
      ? `Load average at each section's start (1 minute), and the other processes' CPU while it ran: ${perSection}; ${verdict}.`
      : `Load average at the start: ${m.loadAverageAtStart[0]} (this run recorded no per-section load).`,
  ].join("\n");
}

const HIT_LABELS = {
  worker: "the Worker, memo hit (one URL, again and again)",
  "worker-304": "the Worker, `If-None-Match` → 304",
  trivial: "trivial Worker, the same bytes from memory",
  nginx: "nginx `proxy_cache` hit (reference)",
};

export function hitTable(h) {
  const connections = Object.keys(h.summary);
  const head = connections.flatMap((c) => [`${c} conns: req/s`, "p50 / p99 ms", "CPU µs/req"]);
  const lines = [`| target | ${head.join(" | ")} |`, `|---|${head.map(() => "---:").join("|")}|`];
  for (const [name, label] of Object.entries(HIT_LABELS)) {
    const cols = connections.flatMap((c) => {
      const t = h.summary[c].targets[name];
      return t ? [range(t.rps), `${t.p50Ms?.median} / ${t.p99Ms?.median}`, range(t.cpuUsPerRequest)] : ["—", "—", "—"];
    });
    if (cols.some((x) => x !== "—")) lines.push(`| ${label} | ${cols.join(" | ")} |`);
  }
  return lines.join("\n");
}

const TIER_LABELS = {
  trivial: "trivial Worker, an answer of the median size from memory",
  "trivial-colo": "trivial Worker reading that answer from the Cache API on every request",
  "colo-scan": "not in the memo: the answer another isolate rendered, from the colo cache (keys in turn)",
  "kv-scan":
    "not in the memo, nothing near: KV, then parse, validate, slice, serialise, hash (the Cache API off; keys in turn)",
  "colo-zipf": "the same keys in Zipf order, colo cache on",
};

export function tierTable(t) {
  const { targets, paired } = t.summary;
  const lines = [
    "| target | req/s | × trivial | CPU µs/req, whole process | the Worker's own (− trivial) | not in the memo |",
    "|---|---:|---:|---:|---:|---:|",
  ];
  for (const [name, label] of Object.entries(TIER_LABELS)) {
    const x = targets[name];
    if (!x) continue;
    const share = t.memoMissShare?.[name];
    lines.push(
      `| ${label} | ${range(x.rps)} | ${range(paired.overTrivialRps[name])} | ${range(x.cpuUsPerRequest)} | ${range(paired.ownCpuUs[name])} | ${share === undefined ? "—" : `${Math.round(share * 100)} %`} |`,
    );
  }
  return lines.join("\n");
}

const RATE_LABELS = { worker: "the Worker, memo hit", trivial: "trivial Worker", nginx: "nginx (reference)" };

export function fixedRateTable(f) {
  const lines = ["| offered | target | served req/s | p50 ms | p99 ms | max ms |", "|---|---|---:|---:|---:|---:|"];
  for (const level of f.levels)
    for (const [name, label] of Object.entries(RATE_LABELS)) {
      const x = level.targets[name];
      if (!x) continue;
      lines.push(
        `| ${Math.round(level.fraction * 100)} % = ${level.offeredRps} req/s | ${label} | ${range(x.rps)} | ${range(x.p50Ms)} | ${range(x.p99Ms)} | ${x.maxMs ? range(x.maxMs) : "—"} |`,
      );
    }
  return lines.join("\n");
}

/** bench/results/sound-pages.json (`npm run bench:sounds`), as it recorded its targets. */
export function soundPagesTable(s) {
  const lines = ["| target | bytes | req/s | p50 ms | p99 ms | CPU per request |", "|---|---:|---:|---:|---:|---:|"];
  for (const r of s.results)
    lines.push(
      `| ${cell(r.target)} | ${r.bytes} | ${r.rps} | ${r.p50Ms} | ${r.p99Ms} | ${(r.cpuUsPerRequest / 1000).toFixed(1)} ms |`,
    );
  return lines.join("\n");
}

export { withSpread };
