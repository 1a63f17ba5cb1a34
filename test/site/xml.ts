/**
 * Strict XML checks for the feeds: saxes (a non-validating but strict XML 1.0 parser, with
 * namespaces) builds a small element tree; any well-formedness error throws. Python's feedparser
 * is the second opinion, as a feed reader sees it.
 */
import { execFileSync } from "node:child_process";
import { SaxesParser } from "saxes";

export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  text: string;
}

export function parseXml(xml: string): XmlElement {
  const parser = new SaxesParser({ xmlns: true });
  const root: XmlElement = { name: "#document", attributes: {}, children: [], text: "" };
  const stack: XmlElement[] = [root];
  parser.on("error", (error) => {
    throw error;
  });
  parser.on("opentag", (tag) => {
    const attributes = Object.fromEntries(Object.values(tag.attributes).map((a) => [a.name, a.value]));
    const element: XmlElement = { name: tag.name, attributes, children: [], text: "" };
    stack.at(-1)?.children.push(element);
    stack.push(element);
  });
  parser.on("text", (text) => {
    const current = stack.at(-1);
    if (current) current.text += text;
  });
  parser.on("cdata", (text) => {
    const current = stack.at(-1);
    if (current) current.text += text;
  });
  parser.on("closetag", () => void stack.pop());
  parser.write(xml).close();
  const [document] = root.children;
  if (!document) throw new Error("no root element");
  return document;
}

export function child(element: XmlElement, name: string): XmlElement | undefined {
  return element.children.find((c) => c.name === name);
}

export function children(element: XmlElement, name: string): XmlElement[] {
  return element.children.filter((c) => c.name === name);
}

export function textOf(element: XmlElement, name: string): string | undefined {
  return child(element, name)?.text;
}

export interface ParsedFeed {
  bozo: number;
  bozo_exception: string | null;
  version: string;
  title: string;
  entries: { id: string; title: string; link: string; published: string | null }[];
}

const FEEDPARSER = `
import json, sys, feedparser
out = []
for path in sys.argv[1:]:
    d = feedparser.parse(path)
    out.append({
        "bozo": int(d.bozo),
        "bozo_exception": str(d.get("bozo_exception")) if d.bozo else None,
        "version": d.version,
        "title": d.feed.get("title", ""),
        "entries": [{"id": e.get("id", ""), "title": e.get("title", ""), "link": e.get("link", ""),
                     "published": e.get("published")} for e in d.entries],
    })
print(json.dumps(out))
`;

let python: string | undefined;

/**
 * Debian's python3-feedparser lives in the system interpreter, which a version manager's
 * `python3` on PATH may shadow: use the first interpreter that can import it.
 */
function pythonWithFeedparser(): string {
  python ??= ["/usr/bin/python3", "python3"].find((candidate) => {
    try {
      execFileSync(candidate, ["-c", "import feedparser"], { stdio: "ignore" });
      return true;
    } catch {
      return false;
    }
  });
  if (!python)
    throw new Error(
      "Python's feedparser is missing (neither /usr/bin/python3 nor python3 on PATH can import it): " +
        "install it with `apt-get install python3-feedparser` (CI installs it: .ci/run)",
    );
  return python;
}

/** Python's feedparser over feed files, as one process for all of them. */
export function feedparser(paths: readonly string[]): ParsedFeed[] {
  return JSON.parse(execFileSync(pythonWithFeedparser(), ["-c", FEEDPARSER, ...paths], { encoding: "utf8" }));
}

/** libxml2's xmllint: silent on a well-formed file, errors on stderr (thrown) otherwise. */
export function xmllint(paths: readonly string[]): void {
  try {
    execFileSync("xmllint", ["--noout", ...paths], { stdio: ["ignore", "ignore", "pipe"] });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT")
      throw new Error("xmllint is missing: install it with `apt-get install libxml2-utils` (CI installs it: .ci/run)");
    throw error;
  }
}
