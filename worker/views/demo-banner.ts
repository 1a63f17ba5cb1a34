import { type Html, html } from "./markup";

/**
 * The banner on every page of demo data (docs/weekly-archive.md "Data sources"): the site's layout shows it
 * (components/DemoBanner.astro renders this), and the Worker puts it into, or takes it out of, a
 * page it fills when its own data source differs from the build's (views/shell.ts).
 */
export function demoBanner(): Html {
  return html`<p class="note" role="note"><strong>Demo data.</strong> These charts come from the built-in demo source, not from TikTok: titles, artists and ranks are made up.</p>`;
}
