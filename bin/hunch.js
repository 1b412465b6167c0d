#!/usr/bin/env node
// The `hunch` command line. The engine is TypeScript; tsx compiles it on the fly, so no build step is needed.
// The clock starts here: compiling and loading the engine counts towards `train --time-limit`.
const started = Date.now();
const { register } = await import('tsx/esm/api');

register();
const { main } = await import(new URL('../src/cli/main.ts', import.meta.url).href);
process.exitCode = await main(process.argv.slice(2), undefined, started);
