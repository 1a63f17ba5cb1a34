/**
 * The Worker's URL rules (worker/views/safe-url.ts), remembered for the length of a build: a
 * sound keeps its link (and often its cover) on every chart it is on, ≈ 7 charts a sound in a
 * full-scale build, so each distinct URL is parsed once.
 */
import { checkCoverUrl, checkTikTokLink } from "@worker/views/safe-url";

export {
  isTikTokCoverHost,
  TIKTOK_COVER_HOST_SUFFIXES,
  TIKTOK_LINK_HOSTS,
} from "@worker/views/safe-url";

/** The answer is the input itself when normalising changes nothing, so the memo holds no second copy of it. */
function remembered(memo: Map<string, string | null>, raw: string, check: (raw: string) => string | null) {
  let safe = memo.get(raw);
  if (safe === undefined) {
    const href = check(raw);
    safe = href === raw ? raw : href;
    memo.set(raw, safe);
  }
  return safe;
}

const links = new Map<string, string | null>();
const covers = new Map<string, string | null>();

/** The link, normalised, if it is an https URL on one of TikTok's own hosts; else null. */
export function safeTikTokLink(raw: string): string | null {
  return remembered(links, raw, checkTikTokLink);
}

/** The cover URL, normalised, if it is an https URL on a TikTok image CDN; else null. */
export function safeCoverUrl(raw: string): string | null {
  return remembered(covers, raw, checkCoverUrl);
}
