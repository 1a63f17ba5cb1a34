import { applyD1Migrations } from "cloudflare:test";
import { env } from "cloudflare:workers";

// Each test file starts with a fresh database: bring it to the committed schema.
await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
