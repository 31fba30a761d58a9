import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { listDatasets } from '@nfl-grid/shared/data/datasets';
import { seaText } from '../sea';

/*
 * The data index: each dataset's name, file, size and sha256 as the repository's data/ folder had
 * them when the binary was built. scripts/package-agent.ts embeds it as the asset
 * `data-index.json`; `nfl-agent --version --verbose` lists it, so a volunteer or an admin can see
 * which data a binary was built against. The data itself is never bundled: inputs always come
 * from the coordinator, verified by sha256 (inputs.ts).
 */

export const DATA_INDEX_ASSET = 'data-index.json';

export interface DataIndexEntry {
  name: string;
  file: string;
  title: string;
  bytes: number;
  sha256: string;
}

export interface DataIndex {
  v: 1;
  builtAt: string;
  datasets: DataIndexEntry[];
}

/** Hashes every registered dataset's file under `dataDir` (the repository's data/ folder). */
export async function buildDataIndex(dataDir: string): Promise<DataIndex> {
  const datasets: DataIndexEntry[] = [];
  for (const d of listDatasets()) {
    const bytes = await readFile(join(dataDir, ...d.file.split('/')));
    datasets.push({ name: d.name, file: d.file, title: d.title, bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') });
  }
  return { v: 1, builtAt: new Date().toISOString(), datasets };
}

/** The index packaged with this binary, or null (running from source). */
export function bundledDataIndex(): DataIndex | null {
  const text = seaText(DATA_INDEX_ASSET);
  if (!text) return null;
  try {
    const index = JSON.parse(text) as DataIndex;
    return index.v === 1 && Array.isArray(index.datasets) ? index : null;
  } catch {
    return null;
  }
}
