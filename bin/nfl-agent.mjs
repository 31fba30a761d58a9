#!/usr/bin/env node
// nfl-agent from a source checkout: tsx compiles the TypeScript on the fly. The packaged binary
// bundles agent/src/cli.ts with esbuild instead and calls main() the same way.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../agent/src/cli/cli.ts');
process.exit(await main(process.argv.slice(2)));
