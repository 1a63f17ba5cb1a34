/**
 * What starts work outside a request, as constants with no bindings, so the node-side tests can
 * check them against the files that must agree (test/unit/crons.test.ts, workflows.test.ts).
 */

/**
 * The crons wrangler.toml declares that are not the snapshot job's (worker/scheduled.ts dispatches
 * on them). The site-age check (docs/operations.md "The site's age is health"): daily, whatever the
 * weekday, so a site left behind is noticed between two and three days after its week was complete.
 */
export const SITE_AGE_CRON = "40 6 * * *";

/**
 * The repository_dispatch event a complete week's build hook sends (worker/jobs/notify.ts). GitHub
 * answers 204 to any name, so a workflow listening for another would never run, silently:
 * .github/workflows/rebuild-site.yml must listen for exactly this one.
 */
export const SITE_BUILD_EVENT = "chart-week-complete";
