// Moved to the Worker's side, which renders pages with it too: the site imports it from there.
export { escapeMarkup, Html, html, markup } from "@worker/views/markup";
