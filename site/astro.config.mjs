import { defineConfig } from "astro/config";

// A static site: the Worker serves it as assets from site/dist (see wrangler.toml [assets]).
export default defineConfig({
  output: "static",
  trailingSlash: "always",
  build: { format: "directory" },
});
