import { createApp } from "./app";
import { productionDeps } from "./app-env";
import { createScheduled } from "./scheduled";

export { Gate } from "./upstream/gate";

const app = createApp(productionDeps);

export default {
  fetch: app.fetch,
  scheduled: createScheduled(productionDeps),
} satisfies ExportedHandler<Env>;
