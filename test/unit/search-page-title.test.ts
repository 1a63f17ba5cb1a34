import { describe, expect, it } from "vitest";
import { SHELL_MARKERS, fillShell } from "../../worker/views/shell";
import { renderSearchPage } from "../../worker/views/search-page";
import { type Element, byTag, parseHtml, text } from "../site/html";

/** The search page's <title>: plain text, where no <bdi> can contain a reader's bidirectional controls. */

const SHELL = `<!doctype html><html lang="en"><head><title>${SHELL_MARKERS.title} · Trending Sounds</title><meta name="description" content="${SHELL_MARKERS.description}"></head><body><main id="main">${SHELL_MARKERS.main}</main></body></html>`;

describe("the search page's title", () => {
  it("drops a query's bidirectional controls from <title> and keeps them isolated in the heading", () => {
    const query = "\u202Eabc\u2066\u200F";
    const page = renderSearchPage({
      kind: "results",
      query,
      page: 1,
      results: { hits: [], total: 0, truncated: false, indexing: false },
    });
    const doc = parseHtml(fillShell(SHELL, page, false));
    expect(text(byTag(doc, "title")[0] as Element)).toBe("Search: abc · Trending Sounds");
    const heading = byTag(doc, "h1")[0] as Element;
    expect(text(heading)).toBe(`Search: ${query}`);
    expect(byTag(heading, "bdi").map(text)).toEqual([query]);
  });
});
