import type { TestProject } from "vitest/node";
import type { UpstreamQuery } from "../../worker/proxy/keys";
import { demoAnswer } from "../../worker/upstream/demo";
import { startFakeUpstream } from "./server";

declare module "vitest" {
  export interface ProvidedContext {
    /** Base URL of the fake upstream; tests build `UPSTREAM_URL` from it with client.ts. */
    upstreamUrl: string;
  }
}

/** A fixed point in time so default answers are the same bytes on every run. */
export const DEFAULT_AS_OF = Date.UTC(2026, 10, 23, 12);

/**
 * The wire query (strings) as the demo source's typed query. The provider's defaults fill what is
 * absent (docs/upstream.md); a value the provider would not accept throws, which the fake turns
 * into a 599 "unexpected" — the Worker should have validated it first.
 */
export function toUpstreamQuery(wire: Record<string, string>): UpstreamQuery {
  const period = digits(wire, "period", 7);
  if (period !== 7 && period !== 30 && period !== 120) throw new Error(`period ${period}`);
  const keyword = wire.search_keyword;
  if (keyword === "") throw new Error("empty search_keyword (the provider's 'no search' is FALSE)");
  return {
    region: wire.region ?? "US",
    period,
    page: digits(wire, "page", 1),
    limit: digits(wire, "limit", 20),
    newToTop100: flag(wire, "new_to_top_100"),
    commercialMusic: flag(wire, "commercial_music"),
    searchKeyword: keyword === undefined || keyword === "FALSE" ? null : keyword,
  };
}

function digits(wire: Record<string, string>, name: string, fallback: number): number {
  const value = wire[name];
  if (value === undefined) return fallback;
  if (!/^\d{1,6}$/.test(value)) throw new Error(`${name} is not a plain number: ${JSON.stringify(value)}`);
  return Number(value);
}

function flag(wire: Record<string, string>, name: string): boolean {
  const value = wire[name];
  if (value === undefined || value === "false") return false;
  if (value === "true") return true;
  throw new Error(`${name} is not true/false: ${JSON.stringify(value)}`);
}

export default async function ({ provide }: TestProject): Promise<() => Promise<void>> {
  const fake = await startFakeUpstream({
    defaultBody: (query, _scenario, asOf) => demoAnswer(toUpstreamQuery(query), asOf ?? DEFAULT_AS_OF),
  });
  provide("upstreamUrl", fake.url);
  return () => fake.close();
}
