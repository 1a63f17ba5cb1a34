// The tests' counting fake upstream (test/fake-upstream/server.ts), run as a process of its own
// for the bench: the same code, the same default body (the demo source, as the tests'
// global-setup.ts answers), loaded by Node 22's type stripping. Prints one JSON line
// {"fakeUpstream": "<url>"} when listening; stops on SIGTERM.
//   node bench/lib/fake-upstream-main.mjs
import "./ts-imports.mjs";

const { startFakeUpstream } = await import("../../test/fake-upstream/server.ts");
const { toUpstreamQuery, DEFAULT_AS_OF } = await import("../../test/fake-upstream/global-setup.ts");
const { demoAnswer } = await import("../../worker/upstream/demo.ts");

const fake = await startFakeUpstream({
  defaultBody: (query, _scenario, asOf) => demoAnswer(toUpstreamQuery(query), asOf ?? DEFAULT_AS_OF),
});
console.log(JSON.stringify({ fakeUpstream: fake.url }));

const stop = () => fake.close().finally(() => process.exit(0));
process.once("SIGTERM", stop);
process.once("SIGINT", stop);
