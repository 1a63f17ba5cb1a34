// `npm run site:fixture`: regenerates site/fixtures/archive.json, the SiteArchive a build renders
// when neither ARCHIVE_URL nor ARCHIVE_FILE is set, from the demo source and the real derivation
// code (test/site/fixture/site-fixture.ts). Vite's module runner loads the TypeScript.
import { execFileSync } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { runnerImport } from "vite";

// tsconfigPaths: site modules import the Worker's as @worker/… (site/tsconfig.json).
const { module } = await runnerImport("./test/site/fixture/site-fixture.ts", {
  configFile: false,
  logLevel: "error",
  resolve: { tsconfigPaths: true },
});
const archive = module.siteFixture();
const path = "site/fixtures/archive.json";
await writeFile(path, `${JSON.stringify(archive)}\n`);
// The repository's formatter owns the layout, so `npm run format:check` passes on the result.
execFileSync("npx", ["biome", "format", "--write", path], { stdio: "ignore" });
console.log(`wrote ${path}: ${archive.charts.length} charts, ${archive.debuts.length} debuts`);
