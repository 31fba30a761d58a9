/**
 * Graceful, then forceful: the first SIGINT/SIGTERM runs `stop` and exits when it is done; a
 * second one exits at once. The one place the coordinator process handles signals.
 */
export function exitOnSignals(stop: () => Promise<void>, log: (msg: string) => void = (m) => process.stderr.write(m + '\n')): void {
  let stopping = false;
  const onSignal = (sig: NodeJS.Signals) => {
    if (stopping) {
      log(`${sig} again: exiting now`);
      process.exit(130);
    }
    stopping = true;
    log(`${sig}: stopping (send it again to force)`);
    stop().then(() => process.exit(0), (e) => {
      log(`stop failed: ${(e as Error).message}`);
      process.exit(1);
    });
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}
