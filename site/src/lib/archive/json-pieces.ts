/**
 * JSON.parse for an archive file too big to hold as one string: a full-scale SiteArchive (71
 * regions × 52 weeks) is ≈ 190 MB of UTF-8, which V8 holds as ≈ 380 MB of UTF-16 (titles in
 * every script) before parsing even starts, and parsing it whole took 3.7 s against 1.7 s in
 * pieces. Here the top-level object's members, and the elements of one array member, are found
 * by a scan over the bytes (strings skipped whole, so brackets inside them never count) and each
 * piece is decoded and parsed on its own: the result is what JSON.parse of the whole text gives,
 * and a malformed file still fails, because every piece goes through JSON.parse and every
 * separator between pieces is checked here.
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;

export class JsonPiecesError extends SyntaxError {
  override name = "JsonPiecesError";
}

function isSpace(byte: number | undefined): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}

class Scanner {
  constructor(private readonly bytes: Buffer) {}

  fail(at: number, what: string): never {
    throw new JsonPiecesError(`not JSON at byte ${at}: ${what}`);
  }

  skipSpace(at: number): number {
    let i = at;
    while (isSpace(this.bytes[i])) i++;
    return i;
  }

  expect(at: number, byte: number): number {
    const i = this.skipSpace(at);
    if (this.bytes[i] !== byte) this.fail(i, `expected ${String.fromCharCode(byte)}`);
    return i + 1;
  }

  /** The index just past the string whose opening quote is at `at`. */
  stringEnd(at: number): number {
    let quote = at;
    for (;;) {
      quote = this.bytes.indexOf(QUOTE, quote + 1);
      if (quote < 0) this.fail(at, "unterminated string");
      let slashes = 0;
      while (this.bytes[quote - 1 - slashes] === BACKSLASH) slashes++;
      if (slashes % 2 === 0) return quote + 1;
    }
  }

  /** The index just past the value starting at `at` (no leading space). */
  valueEnd(at: number): number {
    const first = this.bytes[at];
    if (first === QUOTE) return this.stringEnd(at);
    if (first !== OPEN_OBJECT && first !== OPEN_ARRAY) {
      let i = at;
      while (i < this.bytes.length) {
        const byte = this.bytes[i];
        if (byte === COMMA || byte === CLOSE_OBJECT || byte === CLOSE_ARRAY || isSpace(byte)) break;
        i++;
      }
      return i;
    }
    let depth = 0;
    for (let i = at; i < this.bytes.length; i++) {
      const byte = this.bytes[i];
      if (byte === QUOTE) i = this.stringEnd(i) - 1;
      else if (byte === OPEN_OBJECT || byte === OPEN_ARRAY) depth++;
      else if ((byte === CLOSE_OBJECT || byte === CLOSE_ARRAY) && --depth === 0) return i + 1;
    }
    return this.fail(at, "unterminated object or array");
  }

  parse(from: number, to: number): unknown {
    return JSON.parse(this.bytes.toString("utf8", from, to));
  }

  /** The elements of the array starting at `at`, each parsed alone; returns them and the index past `]`. */
  array(at: number, each: (value: unknown, index: number) => unknown): [unknown[], number] {
    const items: unknown[] = [];
    let i = this.skipSpace(at + 1);
    if (this.bytes[i] === CLOSE_ARRAY) return [items, i + 1];
    for (;;) {
      const start = this.skipSpace(i);
      const end = this.valueEnd(start);
      items.push(each(this.parse(start, end), items.length));
      i = this.skipSpace(end);
      if (this.bytes[i] === CLOSE_ARRAY) return [items, i + 1];
      i = this.expect(i, COMMA);
    }
  }
}

/**
 * Parses a JSON document whose top level is an object, parsing the array member `arrayKey`
 * element by element and keeping what `each` makes of each element (by default, the element):
 * only one element is ever held as parsed. Anything else at the top level is parsed whole.
 */
export function parseJsonInPieces(
  bytes: Buffer,
  arrayKey: string,
  each: (value: unknown, index: number) => unknown = (value) => value,
): unknown {
  const scan = new Scanner(bytes);
  let i = scan.skipSpace(0);
  if (bytes[i] !== OPEN_OBJECT) return JSON.parse(bytes.toString("utf8"));
  // Own data properties in order, as JSON.parse makes them (a `__proto__` key included).
  const members: [string, unknown][] = [];
  i = scan.skipSpace(i + 1);
  if (bytes[i] !== CLOSE_OBJECT) {
    for (;;) {
      const keyStart = scan.skipSpace(i);
      if (bytes[keyStart] !== QUOTE) scan.fail(keyStart, "expected a member name");
      const keyEnd = scan.stringEnd(keyStart);
      const key = scan.parse(keyStart, keyEnd) as string;
      const valueStart = scan.skipSpace(scan.expect(keyEnd, COLON));
      let valueEnd: number;
      if (key === arrayKey && bytes[valueStart] === OPEN_ARRAY) {
        const [items, end] = scan.array(valueStart, each);
        members.push([key, items]);
        valueEnd = end;
      } else {
        valueEnd = scan.valueEnd(valueStart);
        members.push([key, scan.parse(valueStart, valueEnd)]);
      }
      i = scan.skipSpace(valueEnd);
      if (bytes[i] === CLOSE_OBJECT) break;
      i = scan.expect(i, COMMA);
    }
  }
  if (scan.skipSpace(i + 1) !== bytes.length) scan.fail(i + 1, "text after the top-level object");
  return Object.fromEntries(members);
}
