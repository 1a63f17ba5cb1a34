import { createApp } from "./app";

export { Gate } from "./upstream/gate";

const app = createApp();

export default {
  fetch: app.fetch,
} satisfies ExportedHandler<Env>;
