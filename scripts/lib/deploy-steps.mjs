// Upload, migrate, promote, verify (docs/operations.md "Upload, migrate, promote"). The new version is
// uploaded without traffic, the D1 migrations are applied (they are expand-only, so the version
// still serving keeps working on the new schema), the version is promoted to all traffic, the
// cron triggers follow (they are not part of a version), and the live origin is checked; a
// version that fails the check is rolled back. Every step is journalled, and a failure stops at
// its step with an error that says what production is serving.
import {
  deployedVersionId,
  pendingDurableObjectMigration,
  servingVersionId,
  uploadedVersionId,
} from "./wrangler-cli.mjs";

/** A failure the deploy explains itself (the message says what production is in). */
export class DeployError extends Error {}

/**
 * @typedef {object} Release
 * @property {(...args: string[]) => Promise<string>} wrangler  wrangler-cli.mjs's runner
 * @property {import("./deploy-journal.mjs").Journal} journal
 * @property {string} dist           the checked build
 * @property {string | null} tag    the commit being deployed, as the new version's tag
 * @property {string} message        what the new version and its deployment say they are
 * @property {(versionId: string) => Promise<string[]>} verify  the live origin's problems with it
 */

/** Before new Worker code goes live, its schema exists. */
export async function migrate({ wrangler, journal }) {
  journal.note("applying the D1 migrations to the production archive");
  await wrangler("d1", "migrations", "apply", "DB", "--remote");
  journal.note("D1 migrations applied");
}

/** The version serving now (to roll back to), or null when wrangler cannot say (no deployment yet). */
export async function servingVersion({ wrangler, journal }) {
  const id = servingVersionId(await wrangler("deployments", "status", "--json").catch(() => ""));
  journal.note(id ? `serving before this deploy: version ${id}` : "no serving version found: nothing to roll back to");
  return id;
}

/** The normal path: upload, migrate, promote, triggers, verify. Resolves with the version now serving. */
export async function uploadAndPromote(release) {
  const { wrangler, journal, dist } = release;
  const previous = await servingVersion(release);
  const before = previous ? `the previous version ${previous} still serves` : "the previous version still serves";
  journal.note("uploading the new version (no traffic yet)");
  let output;
  try {
    output = await wrangler("versions", "upload", "--assets", dist, ...annotations(release));
  } catch (error) {
    if (pendingDurableObjectMigration(error))
      throw new DeployError(
        "this Worker has a pending Durable Object migration, which only `wrangler deploy` applies: run the deploy " +
          `again with --durable-object-migration (D1 migrations, then wrangler deploy, then the checks). Nothing was uploaded; ${before}`,
      );
    throw new DeployError(`${error.message}: nothing was uploaded or migrated; ${before}`);
  }
  const version = uploadedVersionId(output);
  if (!version)
    throw new DeployError(`wrangler versions upload printed no version id: nothing was migrated; ${before}`);
  journal.note(`uploaded version ${version} (not serving)`);
  await stepOr(migrate(release), (error) =>
    [
      `uploaded version ${version} (not serving)`,
      `${error.message}: the D1 migrations ran only in part or not at all (those applied stay; they are expand-only)`,
      before,
    ].join("; "),
  );
  journal.note(`promoting version ${version} to 100% of traffic`);
  await stepOr(wrangler("versions", "deploy", `${version}@100%`, "--yes", "--message", release.message), (error) =>
    [
      `uploaded version ${version} (not serving)`,
      "D1 migrations applied",
      `promotion failed (${error.message}): ${before}, on the migrated schema`,
    ].join("; "),
  );
  journal.note(`version ${version} serves 100% of traffic`);
  // Cron schedules belong to the Worker, not to a version: `versions deploy` leaves them as they were.
  await stepOr(
    wrangler("triggers", "deploy"),
    (error) =>
      `version ${version} serves (not yet checked), on the migrated schema; updating the cron triggers failed ` +
      `(${error.message}): the previous schedule still runs — run \`npx wrangler triggers deploy\``,
  );
  journal.note("cron triggers deployed");
  await verifyOrRollBack(release, version, previous);
  return version;
}

/**
 * `--durable-object-migration`: `versions upload` cannot carry one, so the D1 migrations are
 * applied and `wrangler deploy` uploads and promotes in one step (triggers included); the checks
 * and the rollback follow as on the normal path.
 */
export async function deployWithMigration(release) {
  const { wrangler, journal, dist } = release;
  const previous = await servingVersion(release);
  const before = previous ? `the previous version ${previous} still serves` : "the previous version still serves";
  await stepOr(migrate(release), (error) => `${error.message}: nothing was deployed; ${before}`);
  journal.note("deploying with wrangler deploy (it applies the Durable Object migration)");
  const output = await stepOr(
    wrangler("deploy", "--assets", dist, ...annotations(release)),
    (error) =>
      `D1 migrations applied; ${error.message}: ${before}, on the migrated schema (check \`wrangler deployments status\`)`,
  );
  const version = deployedVersionId(output);
  if (!version) throw new DeployError("wrangler deploy printed no version id: the new version cannot be checked");
  journal.note(`version ${version} serves 100% of traffic`);
  await verifyOrRollBack(release, version, previous);
  return version;
}

/** The live origin checked with `version` serving; a failure rolls back to `previous`. */
async function verifyOrRollBack({ wrangler, journal, verify }, version, previous) {
  journal.note(`checking the live origin with version ${version}`);
  const problems = await verify(version);
  if (problems.length === 0) {
    journal.note(`version ${version} answers as expected`);
    return;
  }
  const failed = `version ${version} failed its checks after promotion (${problems.join("; ")})`;
  journal.note(failed);
  if (!previous) throw new DeployError(`${failed}; no previous version is known: version ${version} still serves`);
  journal.note(`rolling back to version ${previous}`);
  await stepOr(
    wrangler("rollback", previous, "--yes", "--message", `deploy of ${version} failed its checks`),
    (error) =>
      `${failed}; the rollback failed (${error.message}): version ${version} still serves — roll back by hand: ` +
      `npx wrangler rollback ${previous}`,
  );
  journal.note(`rolled back: version ${previous} serves again, on the migrated schema`);
  throw new DeployError(
    `${failed}; rolled back: the previous version ${previous} serves again, on the migrated schema`,
  );
}

/** `--tag` (when the commit is known) and `--message` for a new version. */
function annotations({ tag, message }) {
  return [...(tag ? ["--tag", tag] : []), "--message", message];
}

/** Awaits `step`; a failure becomes a DeployError whose message `explain` builds from it. */
async function stepOr(step, explain) {
  try {
    return await step;
  } catch (error) {
    if (error instanceof DeployError) throw error;
    throw new DeployError(explain(error));
  }
}
