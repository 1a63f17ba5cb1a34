/**
 * The parameter values KeyAPI itself refuses with a 400, written down from docs/upstream.md
 * and the provider's OpenAPI text — deliberately not imported from the Worker, so the fake is an
 * independent check of the Worker's own validation rather than a copy of it.
 */

/** The chart's 71 country codes (docs/upstream.md "Regions"), as the provider spells them: upper case. */
export const PROVIDER_REGIONS: ReadonlySet<string> = new Set(
  (
    "AR AU AT BH BD BY BE BR BG KH CA CL CO HR CZ DK EG EE FI FR DE GR HU IS ID IQ IE IL IT JP JO KZ KW LV " +
    "LB LT LU MO MY MX MA MM NL NZ NG NO OM PK PE PH PL PT QA RO SA SG SK ZA KR ES SE CH TW TH TR UA AE GB " +
    "US UZ VN"
  ).split(" "),
);

/** A page or limit the provider takes: digits for a number of at least 1 (limit > 20 is served as 20). */
function isCount(value: string): boolean {
  return /^\d+$/.test(value) && /[1-9]/.test(value);
}

/**
 * Why the provider would answer this query 400, or null if it would answer it. Absent parameters
 * take the provider's defaults (region US, page 1, limit 20), which are valid.
 */
export function providerRejects(query: Readonly<Record<string, string>>): string | null {
  const { region, page, limit } = query;
  if (region !== undefined && !PROVIDER_REGIONS.has(region)) return `region ${JSON.stringify(region)}`;
  if (page !== undefined && !isCount(page)) return `page ${JSON.stringify(page)}`;
  if (limit !== undefined && !isCount(limit)) return `limit ${JSON.stringify(limit)}`;
  return null;
}
