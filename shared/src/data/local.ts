import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { KernelData } from '../kernels/types';
import { datasetClosure, datasetFile } from './datasets';
import { createKernelData } from './kernel-data';

/*
 * Node-only: KernelData read straight from a data/ folder (tests, local runs, the coordinator
 * hashing its inputs). The agent builds KernelData from fetched bytes with createKernelData.
 */

/**
 * The repository's data/ folder, resolved from this file (shared/src/data → ../../../data).
 * A bundled binary has no such folder; pass a directory explicitly there.
 */
export const DEFAULT_DATA_DIR: string = fileURLToPath(new URL('../../../data/', import.meta.url));

/** Absolute path of a dataset's file under dataDir. */
export function datasetPath(name: string, dataDir: string = DEFAULT_DATA_DIR): string {
  return join(dataDir, ...datasetFile(name).split('/'));
}

/** Reads the named datasets and what they need from dataDir; parsing happens on first use. */
export function loadLocalKernelData(dataDir: string, names: string[]): KernelData {
  const bytes = new Map<string, Uint8Array>();
  for (const n of datasetClosure(names)) bytes.set(n, readFileSync(datasetPath(n, dataDir)));
  return createKernelData(bytes);
}
