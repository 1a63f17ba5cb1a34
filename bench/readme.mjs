// `npm run bench:readme`: the README's Performance tables from bench/results/latest.json, written
// between the `<!-- bench:begin -->` and `<!-- bench:end -->` markers (nothing else is touched).
//   npm run bench:readme                 rewrite README.md
//   npm run bench:readme -- --print      print the Markdown instead
import { readFileSync, writeFileSync } from "node:fs";

const results = JSON.parse(readFileSync("bench/results/latest.json", "utf8"));
const BEGIN = "<!-- bench:begin -->";
const END = "<!-- bench:end -->";

const cell = (text) => String(text ?? "—").replaceAll("|", "\\|");
const mark = (met) => (met === null ? "" : met ? "met" : "**not met**");

function goalsTable(section) {
  const rows = results.goals.filter((g) => g.section === section);
  if (rows.length === 0) return "";
  const lines = ["| | measured | |", "|---|---|---|"];
  for (const g of rows) lines.push(`| ${cell(g.goal)} | ${cell(g.measured)} | ${mark(g.met)} |`);
  return lines.join("\n");
}

function hitTable() {
  const h = results.hitPath;
  if (!h) return "";
  const names = {
    worker: "the Worker, hit (colo cache)",
    "worker-304": "the Worker, `If-None-Match` → 304",
    "worker-kv-only": "the Worker, hit, Cache API off (KV)",
    trivial: "trivial Worker, same bytes from memory",
    "trivial-cache": "trivial Worker, same bytes from the Cache API",
    nginx: "nginx `proxy_cache` hit",
  };
  const lines = [
    "| target | 16 conns: req/s | p50 / p99 ms | CPU µs/req | 64 conns: req/s | p50 / p99 ms | CPU µs/req |",
    "|---|---:|---:|---:|---:|---:|---:|",
  ];
  for (const [name, label] of Object.entries(names)) {
    const at = (c) => h.summary[c]?.targets[name];
    const a = at("16");
    const b = at("64");
    if (!a && !b) continue;
    const cols = (t) => (t ? [t.rps, `${t.p50Ms} / ${t.p99Ms}`, t.cpuUsPerRequest] : ["—", "—", "—"]);
    lines.push(`| ${label} | ${[...cols(a), ...cols(b)].join(" | ")} |`);
  }
  return lines.join("\n");
}

function body() {
  const m = results.machine;
  return [
    `Last run: ${results.date.slice(0, 10)}, \`${results.command}\`, ${results.seconds} s, ${m.cpus} × ${m.cpuModel}, load average ${m.loadAverageAtStart[0]} at the start (other work was running: the numbers are noisy). Miniflare ${m.miniflare} (workerd ${m.workerd}), wrk ${m.wrk}, nginx ${m.nginx}. Every figure is in \`bench/results/latest.json\`.`,
    "",
    "**Credits** (upstream requests counted by the fake; 2 credits each):",
    "",
    goalsTable("credits"),
    "",
    `**The hit path** (wrk, one thread, ${results.options.seconds} s a run, ${results.options.rounds} rounds alternating; medians; a ${h19()} page):`,
    "",
    hitTable(),
    "",
    goalsTable("hit path"),
    "",
    `**The site at full scale** (${results.site?.seed.weeks ?? "—"} weeks × 71 regions = ${results.site?.seed.charts ?? "—"} charts, archived by the snapshot job in ${results.site?.seed.seconds ?? "—"} s):`,
    "",
    goalsTable("site"),
  ].join("\n");
}

function h19() {
  const bytes = results.hitPath?.bodyBytes?.worker;
  return bytes ? `${(bytes / 1024).toFixed(1)} KB, 20-item` : "20-item";
}

const markdown = body();
if (process.argv.includes("--print")) {
  console.log(markdown);
} else {
  const readme = readFileSync("README.md", "utf8");
  const start = readme.indexOf(BEGIN);
  const end = readme.indexOf(END);
  if (start === -1 || end < start) throw new Error(`README.md has no ${BEGIN} … ${END} block`);
  writeFileSync("README.md", `${readme.slice(0, start + BEGIN.length)}\n${markdown}\n${readme.slice(end)}`);
  console.log("README.md: Performance tables updated from bench/results/latest.json");
}
