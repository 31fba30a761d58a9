/*
 * At most `limit` claims of this process in the database at once. Claims take the head of the
 * queue FOR UPDATE SKIP LOCKED, so concurrent ones walk over each other's locked rows: twenty at
 * once do far more work than twenty in a row. Requests beyond the limit wait their turn in
 * arrival order (a packet holds up to maxPacket replicas, so a turn is short).
 */
export interface ClaimGate {
  run<T>(job: () => Promise<T>): Promise<T>;
  readonly waiting: number;
}

export function createClaimGate(limit: number): ClaimGate {
  let active = 0;
  const queue: (() => void)[] = [];
  const release = () => {
    active--;
    const next = queue.shift();
    if (next) {
      active++;
      next();
    }
  };
  return {
    async run(job) {
      if (active >= limit) await new Promise<void>((r) => queue.push(r));
      else active++;
      try {
        return await job();
      } finally {
        release();
      }
    },
    get waiting() { return queue.length; },
  };
}
