import { describe, expect, it } from "vitest";
import { readSources } from "./source-scan";

/**
 * What the Worker and the site share has one definition both import (`@worker/…` in the site):
 * the data-source list, every URL builder, the TikTok sound link, and the wire schemas. A second
 * copy would be held equal by nothing, so these checks fail on one.
 */

/** The data-source list written out (`["keyapi", "demo"]`, a `"keyapi" | "demo"` type), file by file. */
function sourceLists(files: ReadonlyMap<string, string>): string[] {
  const list = /\[\s*"(?:keyapi|demo)"\s*,\s*"(?:keyapi|demo)"\s*\]|"(?:keyapi|demo)"\s*\|\s*"(?:keyapi|demo)"/g;
  return [...files].flatMap(([path, text]) => [...text.matchAll(list)].map(() => path));
}

/** URL builders (`export function chartUrl(`, `export const HOME_URL =`) defined in more than one file. */
function urlBuildersDefinedTwice(files: ReadonlyMap<string, string>): Record<string, string[]> {
  const builder = /^export\s+(?:async\s+)?(?:function\s+(\w+Url)\s*[(<]|const\s+(\w+Url|\w+_URL)\s*[=:])/gm;
  return definedTwice(files, (text) => [...text.matchAll(builder)].map((m) => (m[1] ?? m[2])!));
}

/** Files that spell the TikTok sound link's address. */
function tiktokLinkFiles(files: ReadonlyMap<string, string>): string[] {
  return [...files].filter(([, text]) => text.includes("https://www.tiktok.com/music/")).map(([path]) => path);
}

/**
 * Object schemas (`z.object({…})`, loose or strict) with the same fields, four or more, in more
 * than one file: a wire schema declared again where it is read.
 */
function schemasDefinedTwice(files: ReadonlyMap<string, string>): Record<string, string[]> {
  return definedTwice(files, (text) =>
    objectSchemaFields(text)
      .filter((fields) => fields.length >= 4)
      .map((fields) => fields.sort().join(",")),
  );
}

/** The top-level field names of every `z.object({`, `z.looseObject({` and `z.strictObject({` in `text`. */
function objectSchemaFields(text: string): string[][] {
  const schemas: string[][] = [];
  for (const match of text.matchAll(/\bz\.(?:object|looseObject|strictObject)\(\{/g)) {
    const fields: string[] = [];
    let depth = 1;
    for (let i = match.index + match[0].length; i < text.length && depth > 0; i++) {
      const char = text[i]!;
      if ("{([".includes(char)) depth++;
      else if ("})]".includes(char)) depth--;
      else if (depth === 1 && /[\w"]/.test(char) && /[\s,{]/.test(text[i - 1]!)) {
        const field = /^"?(\w+)"?\s*:/.exec(text.slice(i, i + 80));
        if (field) fields.push(field[1]!);
      }
    }
    schemas.push(fields);
  }
  return schemas;
}

function definedTwice(
  files: ReadonlyMap<string, string>,
  namesIn: (text: string) => string[],
): Record<string, string[]> {
  const where = new Map<string, Set<string>>();
  for (const [path, text] of files) {
    for (const name of namesIn(text)) where.set(name, (where.get(name) ?? new Set()).add(path));
  }
  return Object.fromEntries(
    [...where].filter(([, paths]) => paths.size > 1).map(([name, paths]) => [name, [...paths]]),
  );
}

describe("what the Worker and the site share", () => {
  const files = readSources(process.cwd());

  it("lists the data sources once", () => {
    expect(sourceLists(files)).toEqual(["worker/charts/source.ts"]);
  });

  it("builds every URL in one file", () => {
    expect(urlBuildersDefinedTwice(files)).toEqual({});
  });

  it("spells the TikTok sound link in one file", () => {
    expect(tiktokLinkFiles(files)).toEqual(["worker/charts/sound.ts"]);
  });

  it("declares each wire schema once", () => {
    expect(schemasDefinedTwice(files)).toEqual({});
  });
});

describe("the defined-once checks", () => {
  const copies = new Map([
    [
      "worker/charts/source.ts",
      'export const DATA_SOURCES = ["keyapi", "demo"] as const;\nexport function chartUrl(region: string) {}\n' +
        'export const link = (id: string) => "https://www.tiktok.com/music/x-" + id;\n' +
        "export const regionsSchema = z.object({ code: z.string(), name: z.string(), weeks: z.number(), gaps: z.array(z.string()) });\n",
    ],
    [
      "site/src/lib/copy.ts",
      'const source = z.enum(["keyapi", "demo"]);\ntype Source = "demo" | "keyapi";\n' +
        'export const chartUrl = (region: string) => "";\nconst link = "https://www.tiktok.com/music/x-1";\n' +
        "const regions = z.object({\n  gaps: z.array(z.string()),\n  weeks: z.number().int().min(0),\n" +
        '  "name": z.string(),\n  code: z.string(),\n});\n',
    ],
  ]);

  it("find a data-source list, a URL builder, the TikTok link and a wire schema written twice", () => {
    expect(sourceLists(copies)).toEqual(["worker/charts/source.ts", "site/src/lib/copy.ts", "site/src/lib/copy.ts"]);
    expect(urlBuildersDefinedTwice(copies)).toEqual({ chartUrl: ["worker/charts/source.ts", "site/src/lib/copy.ts"] });
    expect(tiktokLinkFiles(copies)).toEqual(["worker/charts/source.ts", "site/src/lib/copy.ts"]);
    expect(schemasDefinedTwice(copies)).toEqual({
      "code,gaps,name,weeks": ["worker/charts/source.ts", "site/src/lib/copy.ts"],
    });
  });

  it("read a schema's own fields, not a nested object's", () => {
    expect(objectSchemaFields('z.object({ a: z.object({ b: z.string() }), "c": z.enum(["x"]) })')).toEqual([
      ["a", "c"],
      ["b"],
    ]);
  });
});
