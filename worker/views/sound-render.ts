/**
 * A sound's page (docs/site.md "Sound pages are rendered by the Worker, inside the site's shell"):
 * one pure function from the page's data to escaped HTML for the shell's title, description and
 * main content. Every value from the archive goes through `html`, which escapes it; URLs are
 * checked first (safe-url.ts); untrusted text that may run right-to-left sits in `<bdi>`. No
 * script; real table markup with a caption and scopes.
 */

import type { SoundGlobal, SoundPage, SoundRegion } from "../archive/sound-data";
import { type Html, html } from "./markup";
import { rankChart } from "./rank-chart";
import { checkTikTokLink } from "./safe-url";
import { soundCover } from "./sound-cell";
import { plainText, plural } from "./text";
import { apiSoundUrl, chartUrl, entryUrl, globalEntryUrl, soundUrl } from "./urls";

export interface RenderedPage {
  title: Html;
  description: Html;
  main: Html;
  /** The page's own path (its canonical link). */
  path: string;
}

export function renderSoundPage(page: SoundPage): RenderedPage {
  const current = page.regions.filter((r) => r.current !== null);
  const [title, author] = [plainText(page.title), plainText(page.author)];
  return {
    path: soundUrl(page.clipId),
    // No "Title — " for a sound without an author.
    title: author ? html`${title} — ${author}` : html`${title}`,
    description: html`“${title}”${author && html` by ${author}`} on TikTok's weekly charts: weeks and ranks in every region.`,
    main: html`<div class="sound-head">${soundCover(page.cover, page.title, "page")}<div>
<h1><bdi>${page.title}</bdi></h1>
${page.author && html`<p class="by"><bdi>${page.author}</bdi></p>`}
${links(page)}
</div></div>
${currentCharts(page.clipId, current, page.regions)}
${page.global && globalPresence(page.clipId, page.global)}
${page.regions.map((region) => regionSection(page.clipId, region))}`,
  };
}

function links(page: SoundPage): Html {
  const tiktok = checkTikTokLink(page.link);
  return html`<ul class="links">
${tiktok && html`<li><a href="${tiktok}">Listen on TikTok</a></li>`}
${page.businessUse && html`<li>Approved for business use</li>`}
<li><a href="${apiSoundUrl(page.clipId)}" type="application/json">JSON</a></li>
</ul>`;
}

function currentCharts(clipId: string, current: readonly SoundRegion[], all: readonly SoundRegion[]): Html {
  if (current.length === 0) {
    const last = all.map((r) => r.lastCharted).sort()[all.length - 1];
    return html`<p>Not on any region's latest chart; last charted in week ${last ?? "—"}.</p>`;
  }
  const items = current.map(
    (r, i) =>
      html`${i > 0 && ", "}<a href="${entryUrl(r.region, r.latestWeek, clipId)}">#${r.current ?? 0} in ${r.name}</a>`,
  );
  return html`<p>On ${plural(current.length, "current chart")}: ${items}.</p>`;
}

/**
 * The newest week is spoken of only for a sound that charts in it: the page of a sound that left
 * the charts says when it last charted (above) and its global history, and stays the same from
 * week to week.
 */
function globalPresence(clipId: string, global: SoundGlobal): Html {
  const latest =
    global.regions.length > 0 &&
    html`In week ${global.latestWeek} it charts in ${global.regions.length} of ${plural(global.regionsCharted, "region")} charted that week${
      global.rank === null
        ? html`; it is not in the global top 100.`
        : html`: <a href="${globalEntryUrl(global.latestWeek, clipId)}">#${global.rank} on the global chart</a>.`
    } `;
  const history =
    global.peak === null || global.lastWeek === null
      ? html`It has not been in the global top 100.`
      : html`On the global chart: peak #${global.peak}, ${plural(global.weeks, "week")}, most recently in <a href="${globalEntryUrl(global.lastWeek, clipId)}">week ${global.lastWeek}</a>.`;
  return html`<p>${latest}${history}</p>`;
}

function regionSection(clipId: string, r: SoundRegion): Html {
  const now = r.current === null ? html`, not on the latest chart` : html`, #${r.current} now`;
  return html`<section aria-labelledby="r-${r.region}">
<h2 id="r-${r.region}"><a href="${chartUrl(r.region)}">${r.name}</a></h2>
<p class="muted">Peak #${r.peak}, ${plural(r.weeksCharted, "week")} on the chart${now}.</p>
${rankChart(r, r.name)}
<details>
<summary>Week by week in ${r.name}</summary>
<table>
<caption>Rank in ${r.name}, week by week</caption>
<thead><tr><th scope="col">Week</th><th scope="col" class="n">Rank</th></tr></thead>
<tbody>
${r.series.map(
  (
    point,
  ) => html`<tr><th scope="row">${point.rank === null ? point.week : html`<a href="${entryUrl(r.region, point.week, clipId)}">${point.week}</a>`}</th><td class="n">${point.rank ?? (point.gap ? "no chart" : "—")}</td></tr>
`,
)}</tbody>
</table>
</details>
</section>
`;
}
