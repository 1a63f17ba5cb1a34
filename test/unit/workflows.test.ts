import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

// DESIGN.md "How it runs": secrets only on the step that deploys; scheduled fallbacks apart from
// the dispatch path. Every workflow is checked against GitHub's schema by a maintained validator.

const DIR = ".github/workflows";
const FILES = readdirSync(DIR).filter((f) => f.endsWith(".yml"));
const VALIDATOR = join("node_modules", ".bin", "action-validator");

interface Step {
  name?: string;
  run?: string;
  uses?: string;
  env?: Record<string, string>;
  with?: Record<string, unknown>;
}
interface Workflow {
  on: Record<string, unknown>;
  jobs: Record<string, { env?: Record<string, string>; steps?: Step[]; uses?: string; secrets?: unknown }>;
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
          const allowed = /--deploy-only|npm run -s alert/.test(step.run ?? "");
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
    ]);
  });
});
