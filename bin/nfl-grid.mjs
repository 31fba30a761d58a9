#!/usr/bin/env node
// nfl-grid from a source checkout: tsx compiles the TypeScript on the fly.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../coordinator/src/cli/main.ts');
const code = await main(process.argv.slice(2));
// `coordinator` and `start` never return: their servers run until a signal ends the process.
process.exitCode = code;
