import { statSync } from 'node:fs';
import { datasetFile } from '@nfl-grid/shared/data/datasets';
import { GAMESTATE_SEASONS, gamestateDatasets } from '@nfl-grid/shared/data/gamestate/datasets';
import { datasetPath } from '@nfl-grid/shared/data/local';
import type { Grid } from '../grid';

/** The play-by-play data sets on disk: name, file, sha256 and size; a missing file says so. */
export async function playDatasets(grid: Grid) {
  return Promise.all(gamestateDatasets(GAMESTATE_SEASONS).map(async (name) => {
    const file = datasetFile(name);
    try {
      const bytes = statSync(datasetPath(name, grid.config.inputsDir)).size;
      const [{ sha256 }] = await grid.inputs.resolve([name]);
      return { name, file, present: true, sha256: sha256 as string | null, bytes: bytes as number | null };
    } catch {
      return { name, file, present: false, sha256: null, bytes: null };
    }
  }));
}
