import { randomBytes } from 'node:crypto';

/*
 * Request ids for `request_work` and `result` (protocol RequestId): a prefix per process and a
 * counter, short enough to read in a log, unique enough to tell one run's requests from another's.
 */
const prefix = randomBytes(4).toString('hex');
let counter = 0;

export function nextRequestId(): string {
  counter += 1;
  return `${prefix}-${counter}`;
}
