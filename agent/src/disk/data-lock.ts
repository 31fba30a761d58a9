import { open, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { AgentError } from '../errors';

/*
 * One agent per data folder: `<data-dir>/agent.lock` holds the running agent's pid. A lock left
 * by a process that is gone (kill -9, a crash) is taken over.
 */

const LOCK = 'agent.lock';

/** True when a process with this id exists (signal 0 checks without sending anything). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export async function lockDataDir(dataDir: string): Promise<() => Promise<void>> {
  const file = join(dataDir, LOCK);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fh = await open(file, 'wx', 0o600);
      await fh.writeFile(String(process.pid));
      await fh.close();
      return async () => {
        await rm(file, { force: true });
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const pid = Number((await readFile(file, 'utf8').catch(() => '')).trim());
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && processAlive(pid)) {
      throw new AgentError('data_dir_locked', `another nfl-agent (pid ${pid}) is using ${dataDir}; stop it first or pick another --data-dir`);
    }
    await rm(file, { force: true });
  }
  throw new AgentError('data_dir_locked', `cannot lock ${dataDir}`);
}
