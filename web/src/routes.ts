import type { ViewFactory } from './context';
import { auditView } from './views/audit';
import { banditView } from './views/bandit';
import { batchView } from './views/batch';
import { batchesView } from './views/batches';
import { hostsView } from './views/hosts';
import { modelsView } from './views/models';
import { myCreditView } from './views/my-credit';
import { overviewView } from './views/overview';
import { scoreboardView } from './views/scoreboard';
import { trendsView } from './views/trends';
import { usersView } from './views/users';
import { validationView } from './views/validation';
import { volunteersView } from './views/volunteers';

export interface Route { path: string; label: string; make: ViewFactory }

/** The sections, in the order the navigation lists them. */
export const NAV: Route[] = [
  { path: 'overview', label: 'Overview', make: overviewView },
  { path: 'hosts', label: 'Hosts', make: hostsView },
  { path: 'trends', label: 'Trends', make: trendsView },
  { path: 'batches', label: 'Batches', make: batchesView },
  { path: 'validation', label: 'Validation', make: validationView },
  { path: 'models', label: 'Models', make: modelsView },
  { path: 'scoreboard', label: 'Scoreboard', make: scoreboardView },
  { path: 'bandit', label: 'Bandit', make: banditView },
  { path: 'volunteers', label: 'Volunteers & credit', make: volunteersView },
  { path: 'users', label: 'Users & keys', make: usersView },
  { path: 'audit', label: 'Audit log', make: auditView },
];

/**
 * What researchers and volunteers see: their own batches, hosts and credit, read-only (the
 * coordinator sends only their rows). Researchers start at their batches, volunteers at their hosts.
 */
const READER_NAV: Route[] = [
  { path: 'batches', label: 'My batches', make: batchesView },
  { path: 'hosts', label: 'My hosts', make: hostsView },
  { path: 'credit', label: 'My credit', make: myCreditView },
];

export function navFor(role: string): Route[] {
  if (role === 'admin') return NAV;
  return role === 'volunteer' ? [READER_NAV[1]!, READER_NAV[2]!, READER_NAV[0]!] : READER_NAV;
}

const BATCH: Route = { path: 'batches', label: 'Batch', make: batchView };

/** `#/batches/<id>?wu=5` → the batch view with params [id] and its query; `#/models/<id>` → the models view with that one open. */
export function resolveRoute(hash: string, role: string): { key: string; route: Route; params: string[]; query: URLSearchParams } {
  const nav = navFor(role);
  const raw = hash.replace(/^#\/?/, '');
  const [path = '', qs = ''] = raw.split('?');
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  const query = new URLSearchParams(qs);
  if (parts[0] === 'batches' && parts[1]) return { key: `batch:${parts[1]}`, route: BATCH, params: [parts[1]], query };
  const route = nav.find((r) => r.path === parts[0]) ?? nav[0]!;
  const params = route.path === 'models' && parts[1] ? [parts[1]] : [];
  return { key: `${route.path}/${params.join('/')}?${qs}`, route, params, query };
}
