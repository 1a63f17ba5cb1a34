// Secrets and optional bindings are not in wrangler.toml, so `wrangler types` cannot see them
// (secrets come from `wrangler secret put` in production and `.dev.vars` locally). They are
// optional by nature. Declared on both Env interfaces the generated file defines.
interface OptionalBindings {
  KEYAPI_KEY?: string;
  SITE_BUILD_HOOK?: string;
  SITE_BUILD_HOOK_TOKEN?: string;
  ADMIN_TOKEN?: string;
  ALERT_WEBHOOK?: string;
  /** Optional R2 bucket: each completed week is also written there as JSON lines (a backup beyond D1's 30-day recovery). */
  ARCHIVE_BUCKET?: R2Bucket;
}

interface Env extends OptionalBindings {}

declare namespace Cloudflare {
  interface Env extends OptionalBindings {}
}
