/**
 * Escaping for the few strings the site writes as markup itself: the HTML inside a feed item's
 * description and the feed's raw `customData` XML. Astro escapes everything a page renders, so
 * pages never need this. XML-forbidden characters are removed first (XML 1.0 §2.2): escaping
 * cannot make U+0000 legal, and HTML parsers treat the C0 controls as errors too.
 */
import { stripXmlForbidden } from "../../../worker/charts/sanitize";

const SPECIAL = /[&<>"']/g;
const ENTITY: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Text safe in XML/HTML element content and in single- or double-quoted attribute values. */
export function escapeMarkup(text: string): string {
  return stripXmlForbidden(text).replace(SPECIAL, (c) => ENTITY[c] ?? c);
}

/** A tagged template that escapes every interpolated value: html`<p>${title}</p>`. */
export function markup(strings: TemplateStringsArray, ...values: (string | number)[]): string {
  return strings.reduce((out, part, i) => out + part + (i < values.length ? escapeMarkup(String(values[i])) : ""), "");
}
