import type { ViewFactory } from './context';
import { auditView } from './views/audit';
import { banditView } from './views/bandit';
import { batchView } from './views/batch';
import { batchesView } from './views/batches';
import { hostsView } from './views/hosts';
import { modelsView } from './views/models';
import { overviewView } from './views/overview';
import { scoreboardView } from './views/scoreboard';
import { usersView } from './views/users';
import { validationView } from './views/validation';
import { volunteersView } from './views/volunteers';

export interface Route { path: string; label: string; make: ViewFactory }

/** The sections, in the order the navigation lists them. */
export const NAV: Route[] = [
  { path: 'overview', label: 'Overview', make: overviewView },
  { path: 'hosts', label: 'Hosts', make: hostsView },
  { path: 'batches', label: 'Batches', make: batchesView },
  { path: 'validation', label: 'Validation', make: validationView },
  { path: 'models', label: 'Models', make: modelsView },
  { path: 'scoreboard', label: 'Scoreboard', make: scoreboardView },
  { path: 'bandit', label: 'Bandit', make: banditView },
  { path: 'volunteers', label: 'Volunteers & credit', make: volunteersView },
  { path: 'users', label: 'Users & keys', make: usersView },
  { path: 'audit', label: 'Audit log', make: auditView },
];

const BATCH: Route = { path: 'batches', label: 'Batch', make: batchView };

/** `#/batches/<id>?wu=5` → the batch view with params [id] and its query; `#/models/<id>` → the models view with that one open. */
export function resolveRoute(hash: string, _isAdmin: boolean): { key: string; route: Route; params: string[]; query: URLSearchParams } {
  const raw = hash.replace(/^#\/?/, '');
  const [path = '', qs = ''] = raw.split('?');
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  const query = new URLSearchParams(qs);
  if (parts[0] === 'batches' && parts[1]) return { key: `batch:${parts[1]}`, route: BATCH, params: [parts[1]], query };
  const route = NAV.find((r) => r.path === parts[0]) ?? NAV[0]!;
  const params = route.path === 'models' && parts[1] ? [parts[1]] : [];
  return { key: `${route.path}/${params.join('/')}?${qs}`, route, params, query };
}
