// Secrets are not in wrangler.toml, so `wrangler types` cannot see them (they come from
// `wrangler secret put` in production and `.dev.vars` locally). They are optional by nature.
interface Env {
  KEYAPI_KEY?: string;
  SITE_BUILD_HOOK?: string;
  SITE_BUILD_HOOK_TOKEN?: string;
  ADMIN_TOKEN?: string;
  ALERT_WEBHOOK?: string;
}
