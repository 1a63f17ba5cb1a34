import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse, STATUS_CODES } from "node:http";
import type { AddressInfo } from "node:net";
import { type RecordedRequest, type RequestsBody, type Rule, type ScriptBody, UNEXPECTED_STATUS } from "./client";
import { providerRejects } from "./provider-rules";

/**
 * A counting fake of KeyAPI's `GET /v1/tiktok/trending/music`, for tests. Each test owns a
 * scenario: the Worker gets `UPSTREAM_URL = <url>/s/<scenario>`, the test scripts answers and
 * reads the recorded requests through `/__control/<scenario>/…` (see client.ts). It fails closed:
 * whatever a real client of KeyAPI would not send is answered 599 and recorded as unexpected, so
 * a test proves the Worker's behaviour by counts instead of assuming it. Parameter values the
 * provider itself refuses (provider-rules.ts) get the provider's 400 envelope, and are recorded as
 * unexpected too: the Worker validates first and must never send them.
 */

export type DefaultBody = (query: Record<string, string>, scenario: string, asOf: number | undefined) => unknown;

/**
 * How a rule's `delayMs` is waited for. Tests of the fake itself pass manual timers, so they wait
 * on events, never on the clock.
 */
export interface DelayTimers {
  set(callback: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

const REAL_TIMERS: DelayTimers = {
  set: (callback, ms) => setTimeout(callback, ms),
  clear: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export interface FakeUpstreamOptions {
  /** 0 or absent = a free port. */
  port?: number;
  /** The body of a 200 that the script did not spell out. */
  defaultBody: DefaultBody;
  /** Absent = the real setTimeout. */
  timers?: DelayTimers;
}

export interface RunningFakeUpstream {
  /** `http://127.0.0.1:<port>`, no trailing slash. */
  url: string;
  close(): Promise<void>;
}

const UPSTREAM_PATH = "/v1/tiktok/trending/music";
/** The provider's seven documented parameters (docs/upstream.md); anything else is a leak. */
const KNOWN_PARAMS = new Set([
  "region",
  "period",
  "page",
  "limit",
  "new_to_top_100",
  "commercial_music",
  "search_keyword",
]);
const SCENARIO = "[A-Za-z0-9_-]{1,128}";
const SCENARIO_PATH = new RegExp(`^/s/(${SCENARIO})(/.*)?$`);
const CONTROL_PATH = new RegExp(`^/__control/(${SCENARIO})/(script|requests|held|release)$`);
/** A control body is a few rules; anything bigger is a test bug, not something to buffer. */
const MAX_CONTROL_BODY_BYTES = 1 << 20;

interface Scenario {
  rules: { rule: Rule; left: number }[];
  expectKey?: string;
  requests: RecordedRequest[];
  unexpected: RecordedRequest[];
  holds: Map<string, Hold>;
}

/** Answers held back until the test releases them: ordering by events, never by time. */
interface Hold {
  arrived: number;
  released: boolean;
  waiting: (() => void)[];
  /** Control requests waiting for `arrived` to reach a count. */
  watchers: { count: number; notify: () => void }[];
}

function holdOf(scenario: Scenario, name: string): Hold {
  let hold = scenario.holds.get(name);
  if (!hold) {
    hold = { arrived: 0, released: false, waiting: [], watchers: [] };
    scenario.holds.set(name, hold);
  }
  return hold;
}

export async function startFakeUpstream(options: FakeUpstreamOptions): Promise<RunningFakeUpstream> {
  const scenarios = new Map<string, Scenario>();
  /** Requests outside any scenario (e.g. a Worker that dropped UPSTREAM_URL's path). */
  const unrouted: RecordedRequest[] = [];
  const timers = options.timers ?? REAL_TIMERS;
  const delays = new Set<unknown>();

  const scenarioOf = (id: string): Scenario => {
    let s = scenarios.get(id);
    if (!s) {
      s = { rules: [], requests: [], unexpected: [], holds: new Map() };
      scenarios.set(id, s);
    }
    return s;
  };

  const answerUpstream = (req: IncomingMessage, res: ServerResponse, url: URL): void => {
    const routed = SCENARIO_PATH.exec(url.pathname);
    const recorded = record(req, url, routed ? (routed[2] ?? "") : url.pathname);
    const refuse = (why: string, scenario?: Scenario): void => {
      recorded.unexpected = why;
      scenario?.unexpected.push(recorded);
      sendJson(res, UNEXPECTED_STATUS, { code: UNEXPECTED_STATUS, message: `fake upstream: ${why}`, data: null });
    };
    if (!routed?.[1]) {
      unrouted.push(recorded);
      refuse("no /s/<scenario> prefix: unknown scenario");
      return;
    }
    const id = routed[1];
    const scenario = scenarioOf(id);
    scenario.requests.push(recorded);
    const why = problemWith(req, recorded, url, scenario.expectKey);
    if (why) {
      refuse(why, scenario);
      return;
    }
    const invalid = providerRejects(recorded.query);
    if (invalid) {
      recorded.unexpected = `the provider would answer 400: ${invalid}`;
      scenario.unexpected.push(recorded);
      // The provider's own error envelope (its OpenAPI text, response 400).
      const message = `Invalid parameter: ${invalid}`;
      sendJson(res, 400, { code: 400, message, data: null, requestId: randomUUID() });
      return;
    }

    const slot = scenario.rules.find((r) => r.left > 0 && matches(r.rule, recorded.query));
    if (scenario.rules.length > 0 && !slot) {
      refuse("no scripted rule left for this query", scenario);
      return;
    }
    if (slot) slot.left -= 1;
    const rule = slot?.rule ?? {};

    const respond = (): void => {
      let body: string | undefined;
      try {
        body = bodyFor(rule, () => options.defaultBody(recorded.query, id, rule.asOf));
      } catch (error) {
        refuse(`defaultBody failed: ${error instanceof Error ? error.message : String(error)}`, scenario);
        return;
      }
      // The client may have given up during a delay: there is nobody left to answer.
      if (res.destroyed || res.writableEnded) return;
      res.writeHead(rule.status ?? 200, { "content-type": "application/json; charset=utf-8", ...rule.headers });
      res.end(body);
    };
    if (rule.hold !== undefined) {
      const hold = holdOf(scenario, rule.hold);
      hold.arrived++;
      for (const watcher of hold.watchers.filter((w) => hold.arrived >= w.count)) watcher.notify();
      hold.watchers = hold.watchers.filter((w) => hold.arrived < w.count);
      if (hold.released) respond();
      else hold.waiting.push(respond);
      return;
    }
    if (!rule.delayMs) {
      respond();
      return;
    }
    const timer = timers.set(() => {
      delays.delete(timer);
      respond();
    }, rule.delayMs);
    delays.add(timer);
    // A client that gives up during the delay leaves nobody to answer: drop the timer with it.
    res.on("close", () => {
      if (delays.delete(timer)) timers.clear(timer);
    });
  };

  const answerControl = async (req: IncomingMessage, res: ServerResponse, id: string, action: string) => {
    const scenario = scenarioOf(id);
    if (action === "requests" && req.method === "GET") {
      const body: RequestsBody = { requests: scenario.requests, unexpected: scenario.unexpected };
      return sendJson(res, 200, body);
    }
    if (action === "script" && req.method === "PUT") {
      const script = parseScript(await readBody(req));
      if (typeof script === "string") return sendJson(res, 400, { error: script });
      scenario.rules = script.rules.map((rule) => ({ rule, left: rule.times ?? Number.POSITIVE_INFINITY }));
      scenario.expectKey = script.expectKey;
      return sendJson(res, 200, { ok: true });
    }
    const name = new URL(req.url ?? "/", "http://fake-upstream").searchParams.get("hold");
    if (action === "held" && req.method === "GET" && name) {
      // Answers once `count` requests have reached the hold (the test waits on that event).
      const hold = holdOf(scenario, name);
      const count = Number(new URL(req.url ?? "/", "http://fake-upstream").searchParams.get("count") ?? "1");
      if (hold.arrived >= count) return sendJson(res, 200, { arrived: hold.arrived });
      hold.watchers.push({ count, notify: () => sendJson(res, 200, { arrived: hold.arrived }) });
      return;
    }
    if (action === "release" && req.method === "POST" && name) {
      const hold = holdOf(scenario, name);
      hold.released = true;
      for (const respond of hold.waiting.splice(0)) respond();
      return sendJson(res, 200, { released: name });
    }
    sendJson(res, 405, { error: `${req.method} not allowed on ${action}` });
  };

  const server = createServer((req, res) => {
    // A response can fail to write when the client is gone; that must never crash the test run.
    res.on("error", () => {});
    req.on("error", () => {});
    const url = new URL(req.url ?? "/", "http://fake-upstream");
    if (url.pathname === "/__control/unrouted" && req.method === "GET") {
      req.resume();
      return sendJson(res, 200, { requests: unrouted, unexpected: unrouted } satisfies RequestsBody);
    }
    const control = CONTROL_PATH.exec(url.pathname);
    if (control?.[1] && control[2]) {
      answerControl(req, res, control[1], control[2]).catch((error: unknown) => {
        if (!res.headersSent) sendJson(res, 400, { error: String(error) });
      });
      return;
    }
    // Drain any request body so the keep-alive connection stays usable.
    req.resume();
    answerUpstream(req, res, url);
  });
  // Malformed HTTP or a reset socket: drop it quietly instead of surfacing an error event.
  server.on("clientError", (_error, socket) => socket.destroy());

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    // Only the loopback interface: the fake must never be reachable from the network.
    server.listen(options.port ?? 0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const timer of delays) timers.clear(timer);
        delays.clear();
        server.close((error) => (error ? reject(error) : resolve()));
        // Keep-alive sockets would otherwise hold the process (and vitest) open for seconds.
        server.closeAllConnections();
      }),
  };
}

function record(req: IncomingMessage, url: URL, path: string): RecordedRequest {
  const query: Record<string, string> = {};
  for (const [key, value] of url.searchParams) if (!(key in query)) query[key] = value;
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  return { method: req.method ?? "", path, query, headers, at: Date.now() };
}

/** Why a real KeyAPI client would never send this request, or null if it might. */
function problemWith(req: IncomingMessage, recorded: RecordedRequest, url: URL, expectKey?: string): string | null {
  if (recorded.method !== "GET") return `method ${recorded.method}`;
  if (recorded.path !== UPSTREAM_PATH) return `path ${recorded.path || "/"}`;
  const names = [...url.searchParams.keys()];
  const unknown = names.find((name) => !KNOWN_PARAMS.has(name));
  if (unknown !== undefined) return `unknown query parameter ${JSON.stringify(unknown)}`;
  const repeated = names.find((name, i) => names.indexOf(name) !== i);
  if (repeated !== undefined) return `repeated query parameter ${repeated}`;
  // Node joins repeated headers; rawHeaders shows whether Authorization came more than once.
  const authCount = req.rawHeaders.filter((h, i) => i % 2 === 0 && h.toLowerCase() === "authorization").length;
  if (authCount > 1) return "repeated Authorization header";
  const auth = req.headers.authorization;
  if (auth === undefined) return "missing Authorization";
  const ok = expectKey === undefined ? /^Bearer \S+$/.test(auth) : auth === `Bearer ${expectKey}`;
  return ok ? null : "wrong Authorization";
}

function matches(rule: Rule, query: Record<string, string>): boolean {
  return Object.entries(rule.match ?? {}).every(([key, value]) => query[key] === value);
}

function bodyFor(rule: Rule, defaultBody: () => unknown): string | undefined {
  const status = rule.status ?? 200;
  // These statuses must not carry a body (RFC 9110 §15.3.5, §15.4.5).
  if (status === 204 || status === 304) return undefined;
  if (rule.rawBody !== undefined) return rule.rawBody;
  if (rule.body !== undefined) return JSON.stringify(rule.body);
  if (status === 200) return JSON.stringify(defaultBody());
  // KeyAPI answers errors in its envelope with data null (docs/upstream.md).
  return JSON.stringify({ code: status, message: STATUS_CODES[status] ?? "error", data: null, requestId: "fake" });
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  if (res.destroyed || res.writableEnded) return;
  res.writeHead(status, { "content-type": "application/json; charset=utf-8" });
  res.end(JSON.stringify(body));
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_CONTROL_BODY_BYTES) throw new Error("control body too large");
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** The script, or why it is malformed: a test bug that should fail loudly, not be guessed at. */
function parseScript(text: string): ScriptBody | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return "script is not JSON";
  }
  const script = value as Partial<ScriptBody> | null;
  if (typeof script !== "object" || script === null || !Array.isArray(script.rules)) return "script needs rules[]";
  if (script.expectKey !== undefined && typeof script.expectKey !== "string") return "expectKey must be a string";
  for (const rule of script.rules as unknown[]) {
    if (typeof rule !== "object" || rule === null || Array.isArray(rule)) return "every rule must be an object";
    const { times, status, delayMs, hold } = rule as Rule;
    if (hold !== undefined && !(typeof hold === "string" && hold.length > 0)) return "hold must be a name";
    if (times !== undefined && !(Number.isInteger(times) && times >= 0)) return "times must be an integer ≥ 0";
    if (status !== undefined && !(Number.isInteger(status) && status >= 200 && status <= 599)) return "bad status";
    if (delayMs !== undefined && !(typeof delayMs === "number" && delayMs >= 0)) return "delayMs must be ≥ 0";
  }
  return script as ScriptBody;
}
