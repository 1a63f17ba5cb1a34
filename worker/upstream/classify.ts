import type { UpstreamErrorKind } from "../errors";
import type { UpstreamQuery } from "../proxy/keys";
import { type SuccessEnvelope, successEnvelopeSchema } from "./schema";

/**
 * What one upstream attempt came to (pure classification of status + body). A 200 is data only
 * if `code` is 0 and the body passes the schema; a "deprecated" message, or an empty page 1 of an
 * unfiltered chart, means the source is drying up (docs/upstream.md, "Risk").
 */
export type UpstreamOutcome =
  | { ok: true; body: SuccessEnvelope }
  | { ok: false; kind: UpstreamErrorKind; status: number | null; retryAfter: string | null; detail: string };

export function classifyResponse(
  query: UpstreamQuery,
  status: number,
  bodyText: string,
  retryAfter: string | null,
): UpstreamOutcome {
  const fail = (kind: UpstreamErrorKind, detail: string): UpstreamOutcome => ({
    ok: false,
    kind,
    status,
    retryAfter,
    detail,
  });
  if (status !== 200) return fail("http", `upstream answered HTTP ${status}`);
  let json: unknown;
  try {
    json = JSON.parse(bodyText);
  } catch {
    return fail("invalid", "upstream answered 200 with a body that is not JSON");
  }
  const envelope = json as { code?: unknown; message?: unknown; msg?: unknown };
  const message = String(envelope?.message ?? envelope?.msg ?? "");
  if (/deprecated/i.test(message)) return fail("deprecated", "upstream says the chart is deprecated");
  if (envelope?.code !== 0) return fail("invalid", `upstream answered 200 with ${describeCode(envelope?.code)}`);
  const parsed = successEnvelopeSchema.safeParse(json);
  if (!parsed.success) return fail("invalid", "upstream body failed the schema");
  // An upstream that ignored `region` would otherwise be archived as 71 copies of one chart.
  const foreign = parsed.data.data.sound_list.find((s) => s.country_code.toUpperCase() !== query.region.toUpperCase());
  if (foreign) return fail("invalid", "upstream answered a chart of another region");
  const unfiltered = !query.newToTop100 && !query.commercialMusic && query.searchKeyword === null;
  if (unfiltered && query.page === 1 && parsed.data.data.sound_list.length === 0) {
    return fail("deprecated", "upstream answered an empty chart (the source may have dried up)");
  }
  // The provider's own object, in its own field order (it passed the schema, which transforms
  // nothing): a drop-in client sees the bytes it would have seen, minus whitespace.
  return { ok: true, body: json as SuccessEnvelope };
}

/** Our own words about the provider's `code`: a small integer is named, anything else is not echoed. */
function describeCode(code: unknown): string {
  if (typeof code === "number" && Number.isSafeInteger(code) && Math.abs(code) < 1_000_000) return `code ${code}`;
  return "a code that is not 0";
}
