import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { SITE_BUILD_EVENT } from "../../worker/jobs/triggers";

// docs/operations.md "How it runs": secrets only on the step that deploys; scheduled fallbacks apart from
// the dispatch path. Every workflow is checked against GitHub's schema by a maintained validator.

const DIR = ".github/workflows";
const FILES = readdirSync(DIR).filter((f) => f.endsWith(".yml"));
const VALIDATOR = join("node_modules", ".bin", "action-validator");

interface Step {
  name?: string;
  id?: string;
  if?: string;
  run?: string;
  uses?: string;
  env?: Record<string, string>;
  with?: Record<string, unknown>;
  "timeout-minutes"?: number;
}
interface Job {
  env?: Record<string, string>;
  steps?: Step[];
  uses?: string;
  secrets?: unknown;
  needs?: string;
  if?: string;
  outputs?: Record<string, string>;
  "timeout-minutes"?: number;
}
interface Workflow {
  on: Record<string, unknown>;
  permissions?: Record<string, string> | string;
  jobs: Record<string, Job>;
}

const workflow = (file: string) => parse(readFileSync(join(DIR, file), "utf8")) as Workflow;

function validate(path: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve) =>
    execFile(VALIDATOR, [path], (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code ?? 1) : 0, output: stdout + stderr }),
    ),
  );
}

describe("GitHub workflows", () => {
  it.each(FILES)("%s passes GitHub's workflow schema", async (file) => {
    const { code, output } = await validate(join(DIR, file));
    expect(code, output).toBe(0);
  });

  it("the validator rejects a workflow with a misspelt key (so the check above can fail)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "workflow-"));
    try {
      const broken =
        "on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n        wth: {}\n";
      writeFileSync(join(dir, "broken.yml"), broken);
      expect((await validate(join(dir, "broken.yml"))).code).not.toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("keeps the schedule out of the file the build hook dispatches to", () => {
    const dispatched = FILES.filter((f) => "repository_dispatch" in workflow(f).on);
    const scheduled = FILES.filter((f) => "schedule" in workflow(f).on);
    expect(dispatched).toEqual(["rebuild-site.yml"]);
    expect(scheduled).toEqual(["rebuild-site-weekly.yml"]);
    expect(dispatched.filter((f) => scheduled.includes(f))).toEqual([]);
  });

  it("gives secrets only to the steps that deploy or alert, never to npm ci or the build", () => {
    for (const file of FILES) {
      for (const [name, job] of Object.entries(workflow(file).jobs)) {
        expect(JSON.stringify(job.env ?? {}), `${file} job ${name} env`).not.toMatch(/secrets\./);
        for (const step of job.steps ?? []) {
          const holdsSecrets = /secrets\./.test(JSON.stringify(step));
          const label = step.name ?? step.run ?? step.uses ?? "";
          const allowed = /--deploy-only|npm run -s alert|node scripts\/alert\.mjs/.test(step.run ?? "");
          if (holdsSecrets) expect(allowed, `${file}: "${label}" holds a secret`).toBe(true);
        }
      }
    }
    const steps = workflow("site-build-deploy.yml").jobs.deploy?.steps ?? [];
    const deployStep = steps.find((s) => s.run?.includes("--deploy-only"));
    expect(Object.keys(deployStep?.env ?? {})).toEqual([
      "CLOUDFLARE_API_TOKEN",
      "CLOUDFLARE_ACCOUNT_ID",
      "ADMIN_TOKEN",
      "DEPLOY_REPORT",
    ]);
  });
});

// docs/operations.md "A deploy never makes the site worse": a cancelled or timed-out run alerts too; secrets
// and tokens reach nothing that does not need them; only main deploys.
describe("the deploy workflow", () => {
  const deploy = workflow("site-build-deploy.yml");
  const job = deploy.jobs.deploy as Job;
  const steps = job.steps ?? [];

  it("listens for exactly the event the Worker's build hook sends", () => {
    expect(workflow("rebuild-site.yml").on.repository_dispatch).toEqual({ types: [SITE_BUILD_EVENT] });
  });

  it("reads the repository and nothing more, in every workflow", () => {
    for (const file of FILES) expect(workflow(file).permissions, file).toEqual({ contents: "read" });
  });

  it("keeps no token in .git/config and runs no install script", () => {
    for (const file of FILES)
      for (const [name, each] of Object.entries(workflow(file).jobs))
        for (const step of each.steps ?? []) {
          if (step.uses?.startsWith("actions/checkout"))
            expect(step.with?.["persist-credentials"], `${file} ${name}`).toBe(false);
          if (/\bnpm (ci|install)\b/.test(step.run ?? ""))
            expect(step.run, `${file} ${name}`).toMatch(/--ignore-scripts/);
        }
  });

  it("deploys only main: the first step refuses any other ref", () => {
    expect(steps[0]).toMatchObject({ if: "github.ref != 'refs/heads/main'" });
    expect(steps[0]?.run).toMatch(/exit 1/);
  });

  it("gives every step a deadline below the job's, and alerts on failure, timeout and cancellation", () => {
    const deadlines = steps.map((step) => step["timeout-minutes"]);
    expect(
      deadlines.every((minutes) => typeof minutes === "number" && minutes > 0),
      JSON.stringify(deadlines),
    ).toBe(true);
    // Every step but the alert fits in the job's time with the alert's deadline to spare.
    const work = steps
      .filter((step) => step.id !== "alert")
      .reduce((sum, step) => sum + (step["timeout-minutes"] ?? 0), 0);
    const alert = steps.find((step) => step.id === "alert");
    expect(work + (alert?.["timeout-minutes"] ?? 0)).toBeLessThanOrEqual(job["timeout-minutes"] ?? 0);
    expect(alert?.if).toBe("failure() || cancelled()");
    expect(alert?.run).toMatch(/npm run -s alert/);
    expect(alert?.env).toHaveProperty("DEPLOY_REPORT");
  });

  it("alerts from another runner when the deploy job was killed before its alert step ran", () => {
    const fallback = deploy.jobs.alert as Job;
    expect(fallback.needs).toBe("deploy");
    expect(fallback.if).toBe("(failure() || cancelled()) && needs.deploy.outputs.alerted != 'true'");
    expect(job.outputs?.alerted).toMatch(/^\$\{\{ steps\.alert\.outputs\.alerted \}\}$/);
    expect(fallback.steps?.at(-1)?.run).toMatch(/node scripts\/alert\.mjs deploy_failed/);
  });
});
