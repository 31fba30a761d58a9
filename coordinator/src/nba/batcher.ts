/*
 * Dynamic batching: requests that arrive within `maxWaitMs` of the first waiting one, or until
 * `maxRows` rows wait, are answered by one call of `run` over all their rows; each caller gets its
 * own slice back, in order. States: idle (nothing waits) → collecting (a timer runs) → running
 * (run was called with what waited; new arrivals start collecting again). A failing run rejects
 * every caller of that batch and no other.
 */

export interface BatcherOptions {
  maxRows: number;
  maxWaitMs: number;
}

interface Waiting<I, O> {
  items: I[];
  resolve: (out: O[]) => void;
  reject: (e: unknown) => void;
}

export class DynamicBatcher<I, O> {
  private waiting: Waiting<I, O>[] = [];
  private rows = 0;
  private timer: NodeJS.Timeout | null = null;
  /** Calls of run so far, and the rows they answered: the batching's effect, for tests and metrics. */
  passes = 0;
  rowsRun = 0;

  constructor(private readonly run: (items: I[]) => Promise<O[]> | O[], private readonly opts: BatcherOptions) {}

  submit(items: I[]): Promise<O[]> {
    if (items.length === 0) return Promise.resolve([]);
    return new Promise<O[]>((resolve, reject) => {
      this.waiting.push({ items, resolve, reject });
      this.rows += items.length;
      if (this.rows >= this.opts.maxRows) this.flush();
      else this.timer ??= setTimeout(() => this.flush(), this.opts.maxWaitMs);
    });
  }

  private flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const batch = this.waiting;
    this.waiting = [];
    this.rows = 0;
    if (batch.length === 0) return;
    const all = batch.flatMap((w) => w.items);
    this.passes++;
    this.rowsRun += all.length;
    void (async () => {
      try {
        const out = await this.run(all);
        let at = 0;
        for (const w of batch) {
          w.resolve(out.slice(at, at + w.items.length));
          at += w.items.length;
        }
      } catch (e) {
        for (const w of batch) w.reject(e);
      }
    })();
  }
}
