// The one way scripts load the repository's TypeScript: Node's own type stripping (Node 22), with
// the resolve hook of typescript-hooks.mjs for extensionless relative imports and the site's
// `@worker/…` alias. Importing this module registers the hook; later imports of .ts files then work
// whatever they import.
import { register } from "node:module";

register("./typescript-hooks.mjs", import.meta.url);
