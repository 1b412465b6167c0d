#!/usr/bin/env node
// The `hunch` command line. The engine is TypeScript; tsx compiles it on the fly, so no build step is needed.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
