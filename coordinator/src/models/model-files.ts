import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RegisterModelBody } from './api-schemas';
import type { NewModel } from './registry';
import { parseCoverArtifact } from './cover-predictor';
import { baselineModel, servedModel, type ServedModel } from './served-model';

/*
 * Cover models as files, for the start without a registry row and for the CLI without a
 * coordinator:
 *   <inputs>/models/cover/*.json        shipped with the repository: a registration body (record,
 *                                       lineage, metrics and the artifact), seeded into an empty
 *                                       registry at first start
 *   <data-dir>/models/cover/production.json   written by a coordinator whenever it loads a
 *                                       production version: the same body with its `version`
 * The CLI serves the data folder's file, else the first shipped file, else the analytic baseline.
 */

const SERVED_FILE = 'production.json';
const shippedDir = (inputsDir: string) => join(inputsDir, 'models', 'cover');
export const servedFile = (dataDir: string) => join(dataDir, 'models', 'cover', SERVED_FILE);

export interface ModelFile { path: string; body: RegisterModelBody; version?: number }

function readModelFile(path: string): ModelFile {
  const { version, ...raw } = JSON.parse(readFileSync(path, 'utf8'));
  const body = RegisterModelBody.parse(raw);
  parseCoverArtifact(body.artifact);
  return { path, body, version: typeof version === 'number' ? version : undefined };
}

/** Shipped model files in name order; unreadable ones are reported through `warn` and skipped. */
export function shippedModelFiles(inputsDir: string, warn: (msg: string, e: Error) => void = () => {}): ModelFile[] {
  let names: string[];
  try {
    names = readdirSync(shippedDir(inputsDir)).filter((n) => n.endsWith('.json')).sort();
  } catch {
    return [];
  }
  const out: ModelFile[] = [];
  for (const n of names) {
    try {
      out.push(readModelFile(join(shippedDir(inputsDir), n)));
    } catch (e) {
      warn(`skipping model file ${n}`, e as Error);
    }
  }
  return out;
}

export function writeServedFile(dataDir: string, body: NewModel & { version: number }): void {
  const path = servedFile(dataDir);
  mkdirSync(join(dataDir, 'models', 'cover'), { recursive: true });
  writeFileSync(`${path}.tmp`, JSON.stringify(body) + '\n');
  renameSync(`${path}.tmp`, path);
}

/** The model the CLI answers from, with the file it came from (null for the baseline). */
export function localCoverModel(dataDir: string, inputsDir: string): { model: ServedModel; path: string | null } {
  const started = performance.now();
  const candidates: ModelFile[] = [];
  try {
    candidates.push(readModelFile(servedFile(dataDir)));
  } catch { /* no coordinator has served from this data folder */ }
  candidates.push(...shippedModelFiles(inputsDir));
  const f = candidates[0];
  if (!f) return { model: baselineModel(), path: null };
  const artifact = parseCoverArtifact(f.body.artifact);
  return { model: servedModel(null, f.body.name, String(f.version ?? 'shipped'), f.body.heldOutSeasons, artifact, started), path: f.path };
}
