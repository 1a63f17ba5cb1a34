// npm puts node_modules/.bin first on PATH, so `npm run …` uses the Node 22 the project installs
// (devDependency "node"). A bare `node` or an install with --ignore-scripts falls back to the
// machine's Node: say what to do instead of failing deep inside wrangler or astro.
const [major, minor] = process.versions.node.split(".").map(Number);
if (major < 22 || (major === 22 && minor < 12)) {
  console.error(
    `Trending Sounds needs Node >= 22.12, but this is Node ${process.versions.node}.\n` +
      "  Run it through npm (npm start, npm test, npm run …): the project installs Node 22 itself.\n" +
      "  If that still fails, reinstall without --ignore-scripts: rm -rf node_modules && npm install\n" +
      "  (or use Node 22+ yourself: see .nvmrc).",
  );
  process.exit(1);
}
