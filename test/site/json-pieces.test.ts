import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseJsonInPieces } from "../../site/src/lib/archive/json-pieces";

const pieces = (text: string) => parseJsonInPieces(Buffer.from(text, "utf8"), "charts");

describe("parseJsonInPieces", () => {
  it.each([
    ['{"version":1,"charts":[{"t":"}]\\"{[","a":[1,[2]]},"s",null,true,-1.5e3,{}],"b":{"c":[]}}'],
    [' \n{ "charts" : [ ] , "x" : "\\\\" , "y":"\\\\\\"]" }\n '],
    ['{"charts":{"not":"an array"},"n":0}'],
    ['{"a":"مرحبا 🎵 \\u0000 \\ud800","charts":[["é"]],"a":"last one wins"}'],
    ["{}"],
    ["[1,2]"],
    ['"just a string"'],
  ])("gives what JSON.parse gives for %s", (text) => {
    expect(pieces(text)).toEqual(JSON.parse(text));
  });

  it("keeps a __proto__ member as data, like JSON.parse", () => {
    const parsed = pieces('{"__proto__":{"polluted":true},"charts":[]}') as Record<string, unknown>;
    expect(Object.getPrototypeOf(parsed)).toBe(Object.prototype);
    expect(Object.hasOwn(parsed, "__proto__")).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("reads the committed fixture as JSON.parse does", () => {
    const bytes = readFileSync("site/fixtures/archive.json");
    expect(parseJsonInPieces(bytes, "charts")).toEqual(JSON.parse(bytes.toString("utf8")));
  });

  it.each([
    ['{"a":1 "charts":[]}', /expected ,/],
    ['{"charts":[1 2]}', /expected ,/],
    ['{"a" 1}', /expected :/],
    ["{a:1}", /member name/],
    ['{"a":"open}', /unterminated string/],
    ['{"charts":[{"a":1}', /unterminated|expected/],
    ['{"a":1} x', /text after/],
    ['{"a":tru}', /JSON/],
    ['{"charts":[{"a":1]}]}', /JSON/],
  ])("refuses %s", (text, message) => {
    expect(() => pieces(text)).toThrow(message);
  });
});
