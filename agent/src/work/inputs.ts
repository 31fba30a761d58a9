import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Sha256Hex } from '@nfl-grid/shared/protocol/refs';
import { sha256Hex } from '@nfl-grid/shared/hashing/sha256';
import type { Logger } from '@nfl-grid/shared/logging/logger';
import { endpoint } from '../config';
import { InputError, describe } from '../errors';

/*
 * Content-addressed inputs (gzipped CSV data sets). An input is named by the sha256 of its bytes:
 * fetched once from `GET /api/v1/inputs/:sha256` with the host credential, hashed, and only then
 * used and cached in `<data-dir>/inputs/<sha256>`. Cached files are hashed again on every read,
 * so a damaged cache is noticed, dropped and fetched anew.
 */

export interface InputStoreOptions {
  dataDir: string;
  coordinator: string;
  /** The host credential, or where to read the current one (it is renewed now and then). */
  credential: string | (() => string);
  log: Logger;
  timeoutMs?: number;
}

export class InputStore {
  readonly dir: string;
  private readonly inflight = new Map<string, Promise<Uint8Array>>();

  constructor(private readonly o: InputStoreOptions) {
    this.dir = join(o.dataDir, 'inputs');
  }

  /** The verified bytes of an input; concurrent calls for one sha256 share one fetch. */
  get(sha256: string): Promise<Uint8Array> {
    if (!Sha256Hex.safeParse(sha256).success) {
      return Promise.reject(new InputError('input_unavailable', sha256, `"${sha256}" is not a sha256`));
    }
    let p = this.inflight.get(sha256);
    if (!p) {
      p = this.load(sha256).finally(() => this.inflight.delete(sha256));
      this.inflight.set(sha256, p);
    }
    return p;
  }

  private async load(sha256: string): Promise<Uint8Array> {
    const cached = await this.readCached(sha256);
    if (cached) return cached;
    const bytes = await this.fetchVerified(sha256);
    await mkdir(this.dir, { recursive: true });
    const file = join(this.dir, sha256);
    const tmp = `${file}.${process.pid}.tmp`;
    await writeFile(tmp, bytes);
    await rename(tmp, file);
    return bytes;
  }

  private async readCached(sha256: string): Promise<Uint8Array | null> {
    const file = join(this.dir, sha256);
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(await readFile(file));
    } catch {
      return null;
    }
    if ((await sha256Hex(bytes)) === sha256) return bytes;
    this.o.log.warn(`cached input ${sha256} does not match its hash; fetching it again`);
    await rm(file, { force: true });
    return null;
  }

  private async fetchVerified(sha256: string): Promise<Uint8Array> {
    const url = endpoint(this.o.coordinator, `api/v1/inputs/${sha256}`);
    let res: Response;
    try {
      res = await fetch(url, {
        headers: { authorization: `Bearer ${typeof this.o.credential === 'function' ? this.o.credential() : this.o.credential}` },
        signal: AbortSignal.timeout(this.o.timeoutMs ?? 120_000),
      });
    } catch (e) {
      throw new InputError('input_unavailable', sha256, `cannot fetch input ${sha256}: ${describe(e)}`);
    }
    if (res.status !== 200) {
      const text = await res.text().catch(() => '');
      throw new InputError('input_unavailable', sha256, `input ${sha256}: HTTP ${res.status} ${text.slice(0, 200)}`.trim());
    }
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(await res.arrayBuffer());
    } catch (e) {
      throw new InputError('input_unavailable', sha256, `input ${sha256}: download broke off: ${describe(e)}`);
    }
    const actual = await sha256Hex(bytes);
    if (actual !== sha256) {
      this.o.log.warn(`input ${sha256} refused: its bytes hash to ${actual}`, { sha256, actual, bytes: bytes.length });
      throw new InputError('input_corrupt', sha256, `input ${sha256} refused: the coordinator sent bytes that hash to ${actual}`);
    }
    this.o.log.info(`input ${sha256} fetched and verified (${bytes.length} bytes)`, { sha256, bytes: bytes.length });
    return bytes;
  }
}
