// Lets Node 22 (type stripping) load the project's TypeScript, whose modules import their
// siblings without extensions (bundler style): an unresolved relative import is tried as `.ts`.
// Import this module first; the TypeScript is then loaded with dynamic import().
import { registerHooks } from "node:module";

registerHooks({
  resolve(specifier, context, nextResolve) {
    try {
      return nextResolve(specifier, context);
    } catch (error) {
      if (error?.code !== "ERR_MODULE_NOT_FOUND" || !/^\.\.?\//.test(specifier)) throw error;
      return nextResolve(`${specifier}.ts`, context);
    }
  },
});
