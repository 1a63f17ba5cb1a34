// `npm run bench:readme`: the figures of docs/performance.md, rendered from
// bench/results/latest.json (and bench/results/sound-pages.json for the sound pages) between the
// `<!-- bench:begin -->` and `<!-- bench:end -->` markers; nothing else is touched. No figure in
// that section is written by hand: a number in it comes from the results, or it is not there.
//   npm run bench:readme                 rewrite docs/performance.md
//   npm run bench:readme -- --print      print the Markdown instead
//   npm run bench:readme -- --print --from <results.json>   another run's results (a check of the renderer)
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { evaluate } from "./lib/goals.mjs";
import { BUSY_OTHER_CORES_PER_CPU } from "./lib/machine.mjs";
import { loadArchive10y } from "./lib/optional-sections.mjs";
import { whereTheTimeGoes } from "./lib/time-table.mjs";
import { scaleMarkdown } from "./lib/readme-scale.mjs";
import { conditions, fixedRateTable, goalsTable, hitTable, soundPagesTable, tierTable } from "./lib/readme-tables.mjs";
import { MIN_ROUNDS_FOR_VERDICT } from "./lib/stats.mjs";

/** The page whose marked block this writes (the README links to it). */
const PERFORMANCE_PAGE = "docs/performance.md";

const { values: args } = parseArgs({
  options: {
    print: { type: "boolean", default: false },
    from: { type: "string", default: "bench/results/latest.json" },
  },
});
const results = JSON.parse(readFileSync(args.from, "utf8"));
const archive10y = results.archive10y ? await loadArchive10y() : null;
// The verdicts as the goals judge the recorded figures today: the same as the run printed unless a
// goal changed since, and then docs/performance.md shows the goal as it now reads.
results.goals = evaluate(results, archive10y?.archive10yGoals ? { archive10y: archive10y.archive10yGoals } : {});
const SOUND_PAGES = "bench/results/sound-pages.json";
const sounds = existsSync(SOUND_PAGES) ? JSON.parse(readFileSync(SOUND_PAGES, "utf8")) : null;
const readIfThere = (path) => (existsSync(path) ? JSON.parse(readFileSync(path, "utf8")) : null);
const scale = readIfThere("bench/results/scale.json");
const start = readIfThere("bench/results/start.json");
const BEGIN = "<!-- bench:begin -->";
const END = "<!-- bench:end -->";

const USAGE = `\`\`\`sh
apt-get install -y nginx wrk time        # Debian packages it uses (it installs nothing itself: without one, it says so and skips what needs it)
npm run bench                           # the default sections, one at a time; writes bench/results/latest.json and prints one row per goal
npm run bench -- --only credits,outage,hit,tier,fixed,site --seconds 5 --rounds 5 --weeks 52 --no-profile --out <file>
npm run bench -- --only archive10y      # the archive at ten years (bench/sections/archive10y.mjs), never in the default run
npm run bench:readme                    # rewrites this section from bench/results/latest.json
npm run bench:archive [-- --weeks 156]   # the archive at 3 years: export and admin dump paged (bench/results/archive-scale.json)
npm run build && npm run bench:sounds    # a sound page from the Worker beside a chart page from assets (bench/results/sound-pages.json)
npm run bench:scale [-- --ten-year-state bench/.cache/archive-10y/<key>/state --seeded-through 0008]  # builds, year-end API and search at 12 and 52 weeks (and ten years, seeded by archive10y) (bench/results/scale.json)
npm run bench:start                     # the quick start on a fresh clone: npm start to Ready, cron:next (bench/results/start.json)
npm run bench:joiners                   # cold bursts whose joiners must all answer 200, one upstream request per stampede
npx node bench/profile-tier.mjs         # where an unrendered answer's CPU goes (V8's profiler on the Worker's isolate)
\`\`\``;

const SETUP = `\`npm run bench\` starts everything it needs on 127.0.0.1, each in a process group of its own, and
stops all of it again, on failure and on Ctrl+C too (\`.ci/run\` does not run it). Its sections run
one at a time: nothing is seeded or built beside a measured scenario.

- **the Worker** as deployed: the bundle \`wrangler deploy --dry-run\` writes, run by workerd through
  Miniflare's API with the KV, D1 and Durable Object bindings of \`wrangler.toml\`. Load goes to the
  Worker's own socket: no \`wrangler dev\` proxy hop (its own ceiling) and no Miniflare entry worker.
  Each credit scenario gets a fresh Worker (its own KV, D1 and gate);
- **the tests' counting fake upstream** (\`test/fake-upstream/server.ts\`, unchanged, run by Node 22's
  type stripping), answering with the demo source's pages: credits are the requests it counted × 2;
- **a trivial Worker** on the same runtime returning the Worker's very bytes from memory: the
  runtime's ceiling, and the baseline the Worker's own CPU is measured against;
- **Debian's nginx**, one worker, \`proxy_cache\` with \`proxy_cache_lock on\` and
  \`proxy_cache_use_stale updating\` (nginx's default lock timeouts), in front of the same fake: a reference;
- **wrk** with one thread (the other core serves) for throughput and CPU, the targets' order rotating
  each round; an **open-loop driver** of the bench's own (\`bench/lib/open-loop.mjs\`, undici, 64 keep-alive
  connections) for latency at a fixed offered rate: request i leaves at t0 + i / rate whatever the
  earlier ones are doing, and its latency runs from that intended time (a closed-loop pacer such as
  \`hey -q\` skips the ticks a slow answer held it up for and leaves those requests out: coordinated
  omission). CPU per request is the serving process's
  CPU time (\`/proc/<pid>/stat\`) over a run divided by its requests.

How to read the figures:

- A figure is the median over the rounds, with the lowest and highest round beside it. A ratio or a
  CPU difference is taken within each round (the targets ran back to back) and decides a verdict
  only over at least ${MIN_ROUNDS_FOR_VERDICT} rounds. "The Worker's own work" is its process's CPU per request less the
  trivial Worker's in the same round: what the Worker adds to the runtime's HTTP handling.
- A repeated question is answered from the isolate's memo of rendered answers: no tier is read,
  nothing is parsed or hashed again. The hit path measures that (one URL); the tier path measures
  what the first asker of an answer in an isolate pays, with more answers than the memo holds: the
  answer as another isolate of the colo rendered it, from the colo cache, or (the Cache API off)
  the full page from KV, parsed, validated, sliced, serialised and hashed.
- KV, the Cache API and D1 are Miniflare's local emulations, inside the same workerd process as the
  Worker: their work is counted in the Worker's CPU here and is not in production.
- "Cache API off" is Miniflare's \`cacheAPI: false\` (a no-op cache, as on \`*.workers.dev\`): every
  copy then comes from KV. The production wiring is unchanged.
- The whole-window outage runs in workerd through the tests' harness clock (\`bench/workerd/\`): the
  gate times its pauses on its own clock, which the bench controls.
- The site is built with \`npm run build -- --outDir <temporary directory>\` (\`site/dist\` is left
  alone), \`ARCHIVE_URL\` pointing at the running Worker, under \`/usr/bin/time -v\`; its archive is
  stored by the real snapshot job from the fake upstream, so the build's upstream requests are counted too.
- Counts do not depend on the machine; timings do. "Others" is the machine's busy CPU time while a
  section ran (\`/proc/stat\`) less what the bench and every process it started used: other people's
  work, and the kernel's interrupt work, which no process is charged for. A section is marked busy
  when others used more than ${BUSY_OTHER_CORES_PER_CPU * 100} % of the machine's CPU.`;

function part(title, ...blocks) {
  const body = blocks.filter(Boolean);
  return body.length ? [title, "", ...body.flatMap((b) => [b, ""])].join("\n") : "";
}

async function body() {
  const h = results.hitPath;
  const t = results.tierPath;
  const f = results.fixedRate;
  const s = results.site;
  return [
    USAGE,
    SETUP,
    conditions(results),
    part("**Credits** (upstream requests counted by the fake; 2 credits each):", goalsTable(results, "credits")),
    h &&
      part(
        `**The hit path: the memo** (wrk, ${h.secondsPerRun} s a run, ${h.rounds} rounds; a ${(h.bodyBytes.worker / 1024).toFixed(1)} KB, 20-item page; median (lowest–highest round)):`,
        hitTable(h),
        goalsTable(results, "hit path"),
      ),
    t &&
      part(
        `**The tier path: copies the isolate has not rendered** (wrk, ${t.connections} connections, ${t.secondsPerRun} s a run, ${t.rounds} rounds; ${t.keys} answers):`,
        tierTable(t),
        goalsTable(results, "tier path"),
      ),
    f &&
      part(
        `**Latency at a fixed offered rate** (${/^hey/.test(f.tool ?? "hey") ? "hey, closed loop" : "open loop, latency from each request's intended send time"}, ${f.connections} connections, ${f.secondsPerRun} s a run, ${f.rounds} rounds; the trivial Worker's maximum: ${f.trivialMaxRps.median} req/s by ${f.trivialMaxRps.by}):`,
        fixedRateTable(f),
        goalsTable(results, "fixed rate"),
      ),
    s &&
      part(
        `**The site at full scale** (${s.seed.weeks} weeks × ${s.seed.regions} regions = ${s.seed.charts} charts, archived by the snapshot job in ${s.seed.seconds} s):`,
        goalsTable(results, "site"),
      ),
    archive10y?.archive10yMarkdown ? archive10y.archive10yMarkdown(results.archive10y) : "",
    scaleMarkdown(scale, start),
    sounds &&
      part(
        `**Sound pages** (\`npm run build && npm run bench:sounds\`, ${sounds.date.slice(0, 10)}, ${sounds.weeks} demo weeks × ${sounds.regions.split(",").length} regions; \`${SOUND_PAGES}\`). CPU is the whole workerd process's, local D1's SQLite included (in production D1 runs outside the Worker). A miss happens once per colo and sound until the next snapshot:`,
        soundPagesTable(sounds),
      ),
    whereTheTimeGoes(results),
  ]
    .filter(Boolean)
    .join("\n\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

const markdown = await body();
if (args.print) {
  console.log(markdown);
} else {
  const page = readFileSync(PERFORMANCE_PAGE, "utf8");
  const start = page.indexOf(BEGIN);
  const end = page.indexOf(END);
  if (start === -1 || end < start) throw new Error(`${PERFORMANCE_PAGE} has no ${BEGIN} … ${END} block`);
  writeFileSync(PERFORMANCE_PAGE, `${page.slice(0, start + BEGIN.length)}\n${markdown}\n${page.slice(end)}`);
  console.log(`${PERFORMANCE_PAGE}: the figures rendered from bench/results/latest.json`);
}
