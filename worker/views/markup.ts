/**
 * Escaping for markup written as strings: the HTML inside a feed item's description and the
 * feed's raw `customData` XML (`markup`), the rows of a chart table (`html`, the site's
 * chart-rows.ts) and the pages the Worker renders (views/sound-render.ts). Everything else a page
 * renders is escaped by Astro. Shared by the Worker and the site, so it lives on the Worker's side. XML-forbidden
 * characters are removed first (XML 1.0 §2.2): escaping cannot make U+0000 legal, and HTML
 * parsers treat the C0 controls as errors too.
 */
import { stripXmlForbidden } from "../charts/sanitize";

const SPECIAL = /[&<>"']/g;
const ENTITY: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

// Every code unit that needs work: a special character, a C0 control, a noncharacter or any
// surrogate (a lone one is forbidden; a pair only sends the string down the full path). A simple
// class without the `u` flag: most strings (URLs, Latin titles) pass this one test unchanged.
const MAYBE_UNSAFE = /[&<>"'\u0000-\u0008\u000B\u000C\u000E-\u001F\uD800-\uDFFF\uFFFE\uFFFF]/;

/** Text safe in XML/HTML element content and in single- or double-quoted attribute values. */
export function escapeMarkup(text: string): string {
  if (!MAYBE_UNSAFE.test(text)) return text;
  return stripXmlForbidden(text).replace(SPECIAL, (c) => ENTITY[c] ?? c);
}

/** A tagged template that escapes every interpolated value into a string: markup`<p>${title}</p>`. */
export function markup(strings: TemplateStringsArray, ...values: (string | number)[]): string {
  return strings.reduce((out, part, i) => out + part + (i < values.length ? escapeMarkup(String(values[i])) : ""), "");
}

/** Markup made by `html`: already escaped, so a second `html` passes it through unchanged. */
export class Html {
  readonly value: string;

  constructor(value: string) {
    this.value = value;
  }

  toString(): string {
    return this.value;
  }
}

type Part = string | number | Html | null | undefined | false;

function part(value: Part | readonly Part[]): string {
  if (typeof value === "string") return escapeMarkup(value);
  if (typeof value === "number") return String(value);
  if (value instanceof Html) return value.value;
  if (value === null || value === undefined || value === false) return "";
  return value.map(part).join("");
}

/**
 * A tagged template for markup the site writes as a string: every interpolated value is escaped
 * unless it is itself `html` (nested templates, arrays of them); null, undefined and false write
 * nothing. `html\`<td>${title}\`` can never let a title become markup.
 */
export function html(strings: TemplateStringsArray, ...values: (Part | readonly Part[])[]): Html {
  let out = strings[0] ?? "";
  for (let i = 0; i < values.length; i++) out += part(values[i] as Part) + (strings[i + 1] ?? "");
  return new Html(out);
}
