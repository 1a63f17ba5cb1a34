/**
 * The search page (docs/site.md "/search?q="): one pure function from what was asked and found to
 * escaped HTML for the shell's title, description and main content (site/src/pages/shell/search.astro).
 * Every value goes through `html`, which escapes it; titles and authors, which may run
 * right-to-left, sit in `<bdi>`. A plain GET form, no script; results in a real table.
 */
import { isRegion, regionName } from "../charts/regions";
import { RESULTS_PER_PAGE } from "../search/query";
import type { SearchResults } from "../search/results";
import { type Html, html } from "./markup";
import { plainText, plural } from "./text";
import { soundUrl } from "./urls";

export const SEARCH_PATH = "/search";

export type SearchView =
  | { kind: "empty" }
  | { kind: "invalid"; query: string; message: string }
  | { kind: "results"; query: string; page: number; results: SearchResults | null };

export interface RenderedSearch {
  title: Html;
  description: Html;
  main: Html;
  /** The page's own address (its canonical link). */
  path: string;
}

/** The address of one page of a query's results. */
export function searchUrl(query: string, page = 1): string {
  const params = new URLSearchParams({ q: query });
  if (page > 1) params.set("page", String(page));
  return `${SEARCH_PATH}?${params.toString()}`;
}

export function renderSearchPage(view: SearchView): RenderedSearch {
  const description = html`Find any sound ever on TikTok's weekly charts, by title or author.`;
  if (view.kind === "empty")
    return {
      title: html`Search`,
      description,
      path: SEARCH_PATH,
      main: html`<h1>Search the archive</h1>
${form("")}
<p>Every sound ever charted in any region, by title or author. Accents and case do not matter; the last word may be cut short. Paste a sound's id or TikTok music link to go straight to its page.</p>`,
    };
  if (view.kind === "invalid")
    return {
      title: html`Search`,
      description,
      path: SEARCH_PATH,
      main: html`<h1>Search the archive</h1>
${form(view.query)}
<p class="note" role="alert">That search could not be run: ${view.message}.</p>`,
    };
  return {
    title: html`Search: ${plainText(view.query)}`,
    description,
    path: searchUrl(view.query, view.page),
    main: html`<h1>Search: <bdi>${view.query}</bdi></h1>
${form(view.query)}
${view.results === null ? html`<p>Type a word: a search needs letters or digits.</p>` : results(view.query, view.page, view.results)}`,
  };
}

function form(query: string): Html {
  return html`<form class="search" role="search" aria-label="Search the archive" action="${SEARCH_PATH}" method="get">
<label for="q">Title or author</label>
<input id="q" name="q" type="search" value="${query}" maxlength="200">
<button type="submit">Search</button>
</form>`;
}

function results(query: string, page: number, found: SearchResults): Html {
  const first = (page - 1) * RESULTS_PER_PAGE + 1;
  const last = first + found.hits.length - 1;
  const count = found.truncated
    ? html`More than ${found.total.toLocaleString("en")} sounds match: add a word to narrow the search.`
    : html`${plural(found.total, "sound")} ${found.total === 1 ? "matches" : "match"}.`;
  const indexing =
    found.indexing &&
    html`<p class="note" role="note">The search index is still being built from the archive: some older sounds may be missing.</p>`;
  if (found.hits.length === 0)
    return html`${indexing}<p>${found.total === 0 ? html`No sound matches <q><bdi>${query}</bdi></q>.` : html`No results on page ${page}. <a href="${searchUrl(query)}">Back to the first page</a>.`}</p>`;
  return html`${indexing}<p>${count}${found.total > RESULTS_PER_PAGE && html` Showing ${first}–${last}.`}</p>
<table class="results">
<caption>Sounds matching <q><bdi>${query}</bdi></q>, best match first</caption>
<thead><tr><th scope="col">Title</th><th scope="col">Author</th><th scope="col" class="n">Best rank</th><th scope="col">Regions</th><th scope="col">First week</th><th scope="col">Last week</th></tr></thead>
<tbody>
${found.hits.map(
  (
    hit,
  ) => html`<tr><th scope="row"><a href="${soundUrl(hit.clipId)}"><bdi>${hit.title || hit.clipId}</bdi></a></th><td><bdi>${hit.author}</bdi></td><td class="n">#${hit.bestRank}</td><td>${regions(hit.regions)}</td><td>${hit.firstWeek}</td><td>${hit.lastWeek}</td></tr>
`,
)}</tbody>
</table>
${pager(query, page, found)}`;
}

function regions(codes: readonly string[]): Html {
  const shown = codes.map(
    (code, i) =>
      html`${i > 0 && ", "}${isRegion(code) ? html`<abbr title="${regionName(code)}">${code}</abbr>` : code}`,
  );
  return html`${codes.length > 1 && html`${codes.length}: `}${shown}`;
}

function pager(query: string, page: number, found: SearchResults): Html {
  const pages = Math.ceil(found.total / RESULTS_PER_PAGE);
  if (pages <= 1) return html``;
  return html`<nav class="pager" aria-label="Result pages">
${page > 1 && html`<a href="${searchUrl(query, page - 1)}" rel="prev">Previous ${RESULTS_PER_PAGE}</a>`}
<span>Page ${page} of ${pages}</span>
${page < pages && html`<a href="${searchUrl(query, page + 1)}" rel="next">Next ${RESULTS_PER_PAGE}</a>`}
</nav>`;
}
