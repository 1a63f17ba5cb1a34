// `npm run site:fixture`: regenerates site/fixtures/archive.json, the SiteArchive a build renders
// when neither ARCHIVE_URL nor ARCHIVE_FILE is set, from the demo source and the real derivation
// code (test/site/fixture/site-fixture.ts), loaded as every script loads TypeScript
// (scripts/lib/typescript.mjs).
import { execFileSync } from "node:child_process";
import { writeFile } from "node:fs/promises";
import "./lib/typescript.mjs";

const module = await import("../test/site/fixture/site-fixture.ts");
const archive = module.siteFixture();
const path = "site/fixtures/archive.json";
await writeFile(path, `${JSON.stringify(archive)}\n`);
// The repository's formatter owns the layout, so `npm run format:check` passes on the result.
execFileSync("npx", ["biome", "format", "--write", path], { stdio: "ignore" });
console.log(`wrote ${path}: ${archive.charts.length} charts, ${archive.debuts.length} debuts`);
