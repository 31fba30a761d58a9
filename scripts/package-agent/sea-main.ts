import './tfjs-bundled';
import { main } from '../../agent/src/cli/cli';

/*
 * The entry point of the packaged nfl-agent (a Node single executable application). esbuild
 * bundles this file with everything it imports into one CommonJS script; Node runs it as the
 * executable's main script, with the user's arguments after the program name.
 */

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`nfl-agent: ${(e as Error)?.stack ?? String(e)}\n`);
    process.exit(1);
  },
);
