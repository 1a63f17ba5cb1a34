/**
 * The 71 regions of the chart (docs/upstream.md). It is GB, not UK; there is no IN, CN, RU
 * or HK. Display names come from the platform's Intl.DisplayNames, not a hand-written table.
 */
export const REGIONS = [
  "AR",
  "AU",
  "AT",
  "BH",
  "BD",
  "BY",
  "BE",
  "BR",
  "BG",
  "KH",
  "CA",
  "CL",
  "CO",
  "HR",
  "CZ",
  "DK",
  "EG",
  "EE",
  "FI",
  "FR",
  "DE",
  "GR",
  "HU",
  "IS",
  "ID",
  "IQ",
  "IE",
  "IL",
  "IT",
  "JP",
  "JO",
  "KZ",
  "KW",
  "LV",
  "LB",
  "LT",
  "LU",
  "MO",
  "MY",
  "MX",
  "MA",
  "MM",
  "NL",
  "NZ",
  "NG",
  "NO",
  "OM",
  "PK",
  "PE",
  "PH",
  "PL",
  "PT",
  "QA",
  "RO",
  "SA",
  "SG",
  "SK",
  "ZA",
  "KR",
  "ES",
  "SE",
  "CH",
  "TW",
  "TH",
  "TR",
  "UA",
  "AE",
  "GB",
  "US",
  "UZ",
  "VN",
] as const;

export type Region = (typeof REGIONS)[number];

const REGION_SET: ReadonlySet<string> = new Set(REGIONS);

export function isRegion(code: string): code is Region {
  return REGION_SET.has(code);
}

/** Two ASCII letters: well-formed, whether or not it is one of the 71. */
export const REGION_CODE_PATTERN = /^[A-Za-z]{2}$/;

let displayNames: Intl.DisplayNames | undefined;

export function regionName(code: Region): string {
  displayNames ??= new Intl.DisplayNames(["en"], { type: "region" });
  return displayNames.of(code) ?? code;
}
