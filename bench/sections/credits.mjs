// Credits: upstream requests counted by the counting fake (credits = 2 × requests), each scenario
// on a fresh Worker (its own KV, D1 and gate) pointed at its own fake-upstream scenario.
import { chartQuery, minimumRequests, zipfMix } from "../lib/charts.mjs";
import { startWorkerHost } from "../lib/hosts.mjs";
import { burst, fakeScenario, percentile, request, tally } from "../lib/http.mjs";
import { stopGroup } from "../lib/procs.mjs";
import { REAL_KEYS, invalidMix } from "../lib/variants.mjs";

const TRENDING = "/v1/tiktok/trending/music";
const CRON = "17 * * * MON,TUE";
const DAY = 86_400_000;

/** Vars every credit scenario shares: the fake as upstream, budgets that never get in the way. */
export const proxyVars = (upstreamUrl, extra = {}) => ({
  DATA_SOURCE: "keyapi",
  KEYAPI_KEY: "bench-key",
  UPSTREAM_URL: upstreamUrl,
  PROXY_DAILY_CREDITS: "100000000",
  SEARCH_DAILY_CREDITS: "100000000",
  CLIENT_CALLS_PER_HOUR: "100000000",
  ...extra,
});

async function withWorker(ctx, scenario, extraVars, run, { cacheApi = true } = {}) {
  const host = await startWorkerHost(
    { kind: "product", bundleDir: ctx.bundleDir, vars: proxyVars(scenario.url, extraVars), cacheApi },
    ctx.dir,
  );
  try {
    return await run(host);
  } finally {
    await stopGroup(host);
  }
}

function latencies(answers) {
  const ms = answers.map((a) => a.ms).sort((a, b) => a - b);
  return { p50Ms: Math.round(percentile(ms, 50)), p99Ms: Math.round(percentile(ms, 99)) };
}

/**
 * 1,000 concurrent requests for one cold key, the upstream answering after `delayMs`.
 * target: "worker", "worker-kv-only" (the Cache API off, as on *.workers.dev) or "nginx".
 */
export async function stampede(ctx, { target, delayMs, baseUrl, log }) {
  const scenario = fakeScenario(ctx.fakeUrl, `${target}-stampede-${delayMs}-${ctx.runId}`);
  await scenario.script([{ delayMs }]);
  const go = async (base) => {
    const url = `${base}${TRENDING}?region=DE`;
    const { answers, seconds } = await burst(1000, 1000, () => url);
    const bodies = new Set(answers.filter((a) => a.status === 200).map((a) => a.body.toString("utf8")));
    const recorded = await scenario.recorded();
    return {
      clients: 1000,
      upstreamDelayMs: delayMs,
      upstreamRequests: recorded.requests.length,
      credits: 2 * recorded.requests.length,
      answers: tally(answers, (a) => (a.error ? "transport error" : `${a.status} ${cacheStatus(a)}`)),
      distinctBodies: bodies.size,
      wallSeconds: +seconds.toFixed(2),
      ...latencies(answers),
    };
  };
  const result =
    target === "nginx"
      ? await go(`${baseUrl}/s/${scenario.name}`)
      : await withWorker(ctx, scenario, {}, (host) => go(host.direct), { cacheApi: target === "worker" });
  log?.(`  ${target} stampede, upstream after ${delayMs / 1000} s: ${result.upstreamRequests} upstream request(s)`);
  return result;
}

const cacheStatus = (a) => a.headers["x-cache"] ?? a.headers["x-cache-status"] ?? "";

/** 10,000 requests at 200 concurrency over 120 charts, Zipf-skewed, every page/limit mix. */
export async function zipfScenario(ctx, { log }) {
  const scenario = fakeScenario(ctx.fakeUrl, `zipf-${ctx.runId}`);
  const mix = zipfMix(10_000);
  const totals = await chartTotals(ctx, mix);
  const { minimum, withPage1, direct, charts } = minimumRequests(mix, (key) => totals.get(key));
  return withWorker(ctx, scenario, {}, async (host) => {
    const { answers, seconds } = await burst(mix.length, 200, (i) => {
      const { chart, page, limit } = mix[i];
      return `${host.direct}${TRENDING}?${chartQuery(chart)}&page=${page}&limit=${limit}`;
    });
    const recorded = await scenario.recorded();
    const perChart = tally(recorded.requests, (r) => chartQuery(normalised(r.query)));
    const perPage = tally(recorded.requests, (r) => `${chartQuery(normalised(r.query))}&page=${r.query.page}`);
    const pastEnd = recorded.requests.filter(
      (r) => (Number(r.query.page) - 1) * 20 >= totals.get(chartQuery(normalised(r.query))),
    ).length;
    const result = {
      requests: mix.length,
      concurrency: 200,
      chartsAsked: charts,
      upstreamRequests: recorded.requests.length,
      minimumNeeded: minimum,
      extraRequests: recorded.requests.length - minimum,
      minimumIfPage1First: withPage1,
      // Charts whose page 1 was fetched only to learn their total (clients asked for later pages).
      page1OnlyForTotal: withPage1 - minimum,
      minimumIfAskedDirectly: direct,
      maxPerChart: Math.max(...Object.values(perChart)),
      samePageTwice: Object.values(perPage).filter((n) => n > 1).length,
      pagesPastChartEnd: pastEnd,
      unexpectedAtFake: recorded.unexpected.length,
      answers: tally(answers, (a) => (a.error ? "transport error" : `${a.status} ${cacheStatus(a)}`)),
      wallSeconds: +seconds.toFixed(1),
      rps: Math.round(mix.length / seconds),
      ...latencies(answers),
    };
    log?.(`  Zipf mix: ${result.upstreamRequests} upstream requests, minimum ${minimum}`);
    return result;
  });
}

const normalised = (q) => ({
  region: q.region,
  period: Number(q.period),
  new_to_top_100: q.new_to_top_100 === "true",
  commercial_music: q.commercial_music === "true",
});

/** Each chart's total, asked of the fake directly (a scenario of its own, not counted anywhere). */
async function chartTotals(ctx, mix) {
  const totals = new Map();
  const scenario = fakeScenario(ctx.fakeUrl, `totals-${ctx.runId}`);
  for (const chart of new Set(mix.map((m) => m.chart))) {
    const q = `region=${chart.region}&period=${chart.period}&page=1&limit=20&new_to_top_100=${chart.new_to_top_100}&commercial_music=${chart.commercial_music}&search_keyword=FALSE`;
    const res = await request(`${scenario.url}${TRENDING}?${q}`, { headers: { Authorization: "Bearer bench" } });
    totals.set(chartQuery(chart), JSON.parse(res.body.toString("utf8")).data.pagination.total);
  }
  return totals;
}

/** A burst of 1,000 right after a key turned stale (CACHE_TTL_SECONDS=1): one refresh, all stale. */
export async function staleBurst(ctx, { log }) {
  const scenario = fakeScenario(ctx.fakeUrl, `stale-${ctx.runId}`);
  // The first answer at once (the copy); the refresh takes 8 s, so the whole burst meets it in flight.
  await scenario.script([{ times: 1 }, { delayMs: 8000 }]);
  return withWorker(ctx, scenario, { CACHE_TTL_SECONDS: "1", STALE_TTL_SECONDS: "3600" }, async (host) => {
    const url = `${host.direct}${TRENDING}?region=DE`;
    const warm = await request(url);
    // Freshness is tracked by stored timestamps: wait until the copy is past its 1 s TTL.
    await new Promise((r) => setTimeout(r, 1500));
    const { answers, seconds } = await burst(1000, 1000, () => url);
    const recorded = await scenario.recorded();
    const result = {
      clients: 1000,
      cacheTtlSeconds: 1,
      warmAnswer: `${warm.status} ${cacheStatus(warm)}`,
      refreshes: recorded.requests.length - 1,
      upstreamRequests: recorded.requests.length,
      answers: tally(answers, (a) => (a.error ? "transport error" : `${a.status} ${cacheStatus(a)}`)),
      servedStale: answers.filter((a) => a.status === 200 && cacheStatus(a) === "STALE").length,
      wallSeconds: +seconds.toFixed(2),
      ...latencies(answers),
    };
    log?.(`  stale burst: ${result.refreshes} refresh(es), ${result.servedStale} of 1000 stale`);
    return result;
  });
}

/** 10,000 requests: invalid input, cache-busting parameters, spelling variants of 5 questions. */
export async function invalidScenario(ctx, { log }) {
  const scenario = fakeScenario(ctx.fakeUrl, `invalid-${ctx.runId}`);
  return withWorker(ctx, scenario, {}, async (host) => {
    const mix = Array.from({ length: 10_000 }, (_, i) => invalidMix(i));
    const { answers, seconds } = await burst(mix.length, 200, (i) => `${host.direct}${TRENDING}?${mix[i].query}`);
    const recorded = await scenario.recorded();
    const invalid = answers.filter((_, i) => mix[i].kind === "invalid");
    const variants = answers.filter((_, i) => mix[i].kind === "variant");
    const envelopes = invalid.filter((a) => {
      try {
        const body = JSON.parse(a.body.toString("utf8"));
        return a.status === 400 && body.code === 400 && body.data === null;
      } catch {
        return false;
      }
    }).length;
    const result = {
      requests: mix.length,
      invalidRequests: invalid.length,
      invalidAnswered400: envelopes,
      variantRequests: variants.length,
      variantsAnswered200: variants.filter((a) => a.status === 200).length,
      realKeys: REAL_KEYS,
      upstreamRequests: recorded.requests.length,
      unexpectedAtFake: recorded.unexpected.length,
      otherAnswers: tally(
        answers.filter((a, i) => (mix[i].kind === "invalid" ? a.status !== 400 : a.status !== 200)),
        (a) => `${a.status}`,
      ),
      wallSeconds: +seconds.toFixed(1),
      rps: Math.round(mix.length / seconds),
    };
    log?.(`  invalid + variants: ${result.upstreamRequests} upstream requests for ${REAL_KEYS} real keys`);
    return result;
  });
}

/** Monday 00:01 UTC after the last complete ISO week: inside that week's snapshot window. */
export function lastWindowTime(now) {
  const d = new Date(now);
  const monday = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() - ((d.getUTCDay() + 6) % 7));
  const time = monday + 60_000;
  return time <= now ? time : time - 7 * DAY;
}

export async function scheduled(entryUrl, time) {
  const started = performance.now();
  const res = await request(`${entryUrl}/cdn-cgi/local/scheduled?cron=${encodeURIComponent(CRON)}&time=${time}`);
  return { status: res.status, outcome: res.body.toString("utf8"), seconds: (performance.now() - started) / 1000 };
}

/** The weekly job twice for 71 regions, the fake as upstream. */
export async function jobTwice(ctx, { log }) {
  const scenario = fakeScenario(ctx.fakeUrl, `job-${ctx.runId}`);
  return withWorker(ctx, scenario, {}, async (host) => {
    const time = lastWindowTime(Date.now());
    const first = await scheduled(host.entry, time);
    const afterFirst = await scenario.count();
    const second = await scheduled(host.entry, time + 3_600_000);
    const afterSecond = await scenario.count();
    const regions = JSON.parse((await request(`${host.direct}/api/regions`)).body.toString("utf8")).regions;
    const result = {
      regions: regions.length,
      regionsStored: regions.filter((r) => r.weeks > 0).length,
      first: {
        upstreamRequests: afterFirst,
        credits: 2 * afterFirst,
        seconds: +first.seconds.toFixed(1),
        outcome: first.outcome,
      },
      second: {
        upstreamRequests: afterSecond - afterFirst,
        credits: 2 * (afterSecond - afterFirst),
        seconds: +second.seconds.toFixed(2),
        outcome: second.outcome,
      },
    };
    log?.(`  weekly job: ${afterFirst} then ${afterSecond - afterFirst} upstream requests`);
    return result;
  });
}
