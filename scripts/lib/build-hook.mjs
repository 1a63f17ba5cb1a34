// The local SITE_BUILD_HOOK of `npm start`: the snapshot job POSTs it when a chart week is complete
// (as it would a Workers Builds deploy hook in production), and the site is rebuilt and served
// again on the same URL. Answers at once (202); the rebuild runs after, one at a time.
import { createServer } from "node:http";

/**
 * @param {{ rebuild: (week: string | null) => Promise<void>, log: (line: string) => void }} options
 */
export async function startBuildHook({ rebuild, log }) {
  let enabled = false;
  let running = Promise.resolve();
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => {
      body += chunk;
    });
    req.on("end", () => {
      res.writeHead(req.method === "POST" ? 202 : 405).end();
      if (req.method !== "POST") return;
      // GitHub's repository_dispatch body carries the week; a deploy hook's plain POST does not.
      const week = /"week"\s*:\s*"([^"]+)"/.exec(body)?.[1] ?? null;
      if (!enabled) return;
      log(`• the job says ${week ?? "a week"} is complete: rebuilding the site`);
      running = running.then(() => rebuild(week)).catch((error) => log(`  rebuild failed: ${error.message}`));
    });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}/build`,
    /** Hooks before this (the seeding's own weeks) are answered and ignored: one build follows them. */
    enable: () => {
      enabled = true;
    },
    idle: () => running,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}
