import type { Command } from '../command';
import { createUserCommand, enrollTokenCommand } from './admin';
import { banditCommand } from './bandit';
import { batchesCommand, cancelCommand } from './batches';
import { combinedCommand } from './combined';
import { coverCommand } from './cover';
import { hostsCommand } from './hosts';
import { initCommand } from './init';
import { rebalanceCommand } from './rebalance';
import { reportCommand } from './report';
import { resultsCommand } from './results';
import { runKernelCommand } from './run-kernel';
import { scoreboardCommand } from './scoreboard';
import { coordinatorCommand, startCommand } from './server';
import { statusCommand } from './status';
import { submitCommand } from './submit';

/** Every command, in the order `nfl-grid --help` lists them. */
export const COMMANDS: Command[] = [
  coordinatorCommand, startCommand, initCommand, statusCommand, scoreboardCommand, submitCommand,
  cancelCommand, batchesCommand, hostsCommand, resultsCommand, combinedCommand, reportCommand, rebalanceCommand, createUserCommand, enrollTokenCommand,
  banditCommand, runKernelCommand, coverCommand,
];
