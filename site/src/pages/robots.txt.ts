import type { APIRoute } from "astro";
import { robotsTxt } from "../lib/seo";

// Generated, not a file in public/: it names the sitemap by its absolute URL, and the origin is
// the build's (SITE_ORIGIN).
export const GET: APIRoute = ({ site }) =>
  new Response(robotsTxt(site), { headers: { "Content-Type": "text/plain; charset=utf-8" } });
