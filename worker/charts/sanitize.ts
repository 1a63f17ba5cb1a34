/**
 * Text from the upstream is stored once and later rendered into RSS (XML) and HTML. XML 1.0
 * (§2.2, production [2] Char) allows only tab, LF, CR, U+0020–U+D7FF, U+E000–U+FFFD and
 * U+10000–U+10FFFF: one stray U+0000 in a title makes a whole feed ill-formed, and a strict
 * reader rejects every item in it. So the forbidden ones are removed at ingestion — the C0
 * controls other than tab, LF and CR, the noncharacters U+FFFE and U+FFFF, and lone surrogates
 * (not characters at all; UTF-8 cannot even encode them).
 */

// With the `u` flag a lone surrogate is its own code point, so the negated class catches it,
// while a valid surrogate pair is one code point in U+10000–U+10FFFF and is kept.
const XML_FORBIDDEN = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

export function stripXmlForbidden(s: string): string {
  return s.replace(XML_FORBIDDEN, "");
}
