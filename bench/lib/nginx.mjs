// The classic alternative: Debian's nginx as a caching reverse proxy in front of the same fake
// upstream (proxy_cache, proxy_cache_lock on, proxy_cache_use_stale updating), one worker process
// (the Worker's runtime serves from one thread too). Lock timeouts are nginx's defaults (5 s).
import { chmodSync, chownSync, mkdirSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { join } from "node:path";
import { freePort } from "../../scripts/lib/dev-server.mjs";
import { childNamed } from "./hosts.mjs";
import { startGroup } from "./procs.mjs";

const NOBODY = 65534;

function config({ dir, port, upstream, cacheSeconds, asRoot }) {
  const { host } = new URL(upstream);
  return `${asRoot ? "user nobody nogroup;\n" : ""}worker_processes 1;
worker_rlimit_nofile 16384;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 8192; }
http {
  access_log off;
  client_body_temp_path ${dir}/tmp/client;
  proxy_temp_path ${dir}/tmp/proxy;
  fastcgi_temp_path ${dir}/tmp/fastcgi;
  uwsgi_temp_path ${dir}/tmp/uwsgi;
  scgi_temp_path ${dir}/tmp/scgi;
  keepalive_requests 1000000;
  proxy_cache_path ${dir}/cache levels=1:2 keys_zone=answers:10m max_size=1g inactive=1h use_temp_path=off;
  upstream fake {
    server ${host};
    keepalive 64;
  }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://fake;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      # What our gate sends: a key and Accept, nothing from the client.
      proxy_set_header Authorization "Bearer bench-nginx";
      proxy_set_header Accept "application/json";
      proxy_cache answers;
      proxy_cache_key $request_uri;
      proxy_cache_valid 200 ${cacheSeconds}s;
      proxy_cache_lock on;
      proxy_cache_use_stale updating error timeout http_500 http_502 http_503 http_504;
      proxy_cache_background_update on;
      add_header X-Cache-Status $upstream_cache_status always;
    }
  }
}
`;
}

function chownTree(path) {
  chownSync(path, NOBODY, NOBODY);
  if (statSync(path).isDirectory()) for (const entry of readdirSync(path)) chownTree(join(path, entry));
}

function listening(port) {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

/** nginx in front of `upstream` (the fake's origin). Returns { url, pid (master), workerPid, stop }. */
export async function startNginx(baseDir, upstream, { cacheSeconds = 3600 } = {}) {
  const dir = join(baseDir, "nginx");
  for (const sub of ["cache", "tmp/client", "tmp/proxy", "tmp/fastcgi", "tmp/uwsgi", "tmp/scgi"])
    mkdirSync(join(dir, sub), { recursive: true });
  const asRoot = process.getuid?.() === 0;
  const port = await freePort(0);
  writeFileSync(join(dir, "nginx.conf"), config({ dir, port, upstream, cacheSeconds, asRoot }));
  // Its workers run as nobody when started by root: they must reach and write the cache.
  if (asRoot) {
    chmodSync(baseDir, 0o711);
    chownTree(dir);
  }
  const handle = await startGroup("nginx", ["-p", dir, "-c", join(dir, "nginx.conf"), "-g", "daemon off;"], {
    name: "nginx",
  });
  const deadline = Date.now() + 10_000;
  while (!(await listening(port))) {
    if (handle.child.exitCode !== null || Date.now() > deadline) {
      await handle.stop();
      throw new Error(`nginx did not start:\n${handle.tail()}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  let workerPid = null;
  while (!workerPid && Date.now() < deadline) {
    workerPid = childNamed(handle.pid, "nginx");
    if (!workerPid) await new Promise((r) => setTimeout(r, 50));
  }
  return { ...handle, url: `http://127.0.0.1:${port}`, workerPid };
}
