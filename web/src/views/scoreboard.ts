import { api, probe } from '../api';
import type { ViewFactory } from '../context';
import { badge, fmt, h, short, svg, when } from '../dom';
import type {
  AcceptedFollowUp, FollowUp as FollowUpOf, FollowUpList, MatrixCell, ModelLeaderboard, ModelType as ModelTypeOf, ModelTypeList,
  RebalanceAnswer, SportMatrix, Trending as TrendingOf, ValueMatrix, Wire,
} from '../types';
import { section, table, td } from './common';

type Board = Wire<ModelLeaderboard>;
type Trending = Wire<TrendingOf>;
type ModelType = Wire<ModelTypeOf>;
type Cell = MatrixCell & { rank: number };
type FollowUp = Wire<FollowUpOf>;
type Model = Board['boards'][number]['models'][number];

type Panel<T> = { ok: true; data: T } | { ok: false; status: number; message: string } | null;

const BASE = '/api/performance';

/** "not available" for a missing endpoint; any other failure says what went wrong. */
function unavailable(p: { status: number; message: string }, what: string): HTMLElement {
  return p.status === 404 || p.status === 501
    ? h('p', { class: 'notice muted-notice' }, `${what} is not available on this coordinator (the performance tracker answered ${p.status}).`)
    : h('p', { class: 'notice error' }, `${what} could not be loaded: ${p.message} (${p.status || 'no answer'}).`);
}

function panel<T>(p: Panel<T>, what: string, draw: (d: T) => Node): Node {
  if (!p) return h('p', { class: 'loading' }, 'Loading…');
  if (!p.ok) return unavailable(p, what);
  try {
    return draw(p.data);
  } catch (e) {
    return h('p', { class: 'notice error' }, `${what}: the tracker's answer could not be shown (${(e as Error).message}).`);
  }
}

function familyText(f: unknown): string {
  if (f === null || f === undefined) return '';
  const s = typeof f === 'object' ? Object.entries(f as Record<string, unknown>).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(' ') : String(f);
  return s.length > 60 ? `${s.slice(0, 59)}…` : s;
}

/** Baseline, current and best of one model on a shared scale (better to the right). */
function dumbbell(m: Model, lo: number, hi: number, lower: boolean): SVGElement {
  const W = 140, H = 16;
  const x = (v: number | null) => (v === null || hi === lo ? W / 2 : 6 + ((lower ? hi - v : v - lo) / (hi - lo)) * (W - 12));
  const pts = [m.baseline, m.current, m.best].filter((v): v is number => v !== null);
  const el = svg('svg', { width: W, height: H, viewBox: `0 0 ${W} ${H}`, class: 'dumbbell', role: 'img', 'aria-label': `baseline ${fmt(m.baseline, 4)}, current ${fmt(m.current, 4)}, best ${fmt(m.best, 4)}` },
    pts.length > 1 ? svg('line', { x1: Math.min(...pts.map(x)), x2: Math.max(...pts.map(x)), y1: H / 2, y2: H / 2, class: 'db-line' }) : null,
    m.baseline !== null ? svg('circle', { cx: x(m.baseline), cy: H / 2, r: 3.5, class: 'db-baseline' }) : null,
    m.current !== null ? svg('circle', { cx: x(m.current), cy: H / 2, r: 4.5, class: 'db-current' }) : null,
    m.best !== null ? svg('rect', { x: x(m.best) - 4, y: H / 2 - 4, width: 8, height: 8, class: 'db-best' }) : null);
  return el;
}

/**
 * Scoreboard, from the performance tracker: current against best per model, the task value
 * matrix, trending models, the milestones timeline and recommended follow-up work (which an admin
 * accepts or rejects). Each panel shows plainly when this coordinator has no tracker.
 */
export const scoreboardView: ViewFactory = (ctx) => {
  let boards: Panel<Board> = null;
  let matrix: Panel<{ generatedAt: string; cells: Cell[] } & Partial<Wire<SportMatrix>>> = null;
  let trend: Panel<Trending> = null;
  let types: Panel<{ modelTypes: ModelType[] }> = null;
  let follow: Panel<{ followUps: FollowUp[] }> = null;

  const load = async () => {
    [boards, matrix, trend, types, follow] = await Promise.all([
      probe<Board>(`${BASE}/leaderboard/nfl?limit=20`),
      probe<Wire<ValueMatrix & SportMatrix>>(`${BASE}/matrix`),
      probe<Trending>(`${BASE}/trending?limit=20`),
      probe<Wire<ModelTypeList>>(`${BASE}/model-types`),
      probe<Wire<FollowUpList>>(`${BASE}/follow-ups?state=suggested&limit=20`),
    ]);
  };

  const drawBoards = (b: Board) => b.boards.length === 0 ? h('p', { class: 'empty' }, 'No model has results yet.') : h('div', null, ...b.boards.map((board) => {
    const vals = board.models.flatMap((m) => [m.baseline, m.current, m.best]).filter((v): v is number => v !== null);
    const lo = Math.min(...vals), hi = Math.max(...vals);
    return h('div', { class: 'board', 'data-key': board.kernel },
      h('h3', null, h('code', null, board.kernel), ` · ${board.metric} (${board.lowerIsBetter ? 'lower' : 'higher'} is better)`),
      table(`Models of ${board.kernel}`, ['#', 'Model', 'Current', 'Best', 'Baseline', 'Baseline · current ● · best ■', 'Improvement', 'Results', 'Trend'], board.models.map((m) =>
        h('tr', { 'data-key': m.key },
          td('#', fmt(m.rank)), td('Model', h('code', { title: m.key }, m.key.split('~')[1] ?? m.key), h('div', { class: 'muted small' }, familyText(m.family))),
          td('Current', fmt(m.current, 4)), td('Best', h('strong', null, fmt(m.best, 4))), td('Baseline', fmt(m.baseline, 4)),
          td('Chart', dumbbell(m, lo, hi, board.lowerIsBetter)), td('Improvement', fmt(m.improvement, 4)), td('Results', fmt(m.results)),
          td('Trend', badge(m.trend.class ?? 'new')))), { cls: 'cards' }));
  }));

  /** Seed 001's performance matrix: sport × model type, the best model of each by walk-forward log loss. */
  function drawSportMatrix(m: Partial<Wire<SportMatrix>>): Node {
    const cells = m.matrix?.cells ?? [];
    const pm = (d: { mean: number | null; se: number | null }) => (d.mean === null ? '–' : `${fmt(d.mean, 4)} ± ${fmt(d.se, 4)}`);
    return h('div', null,
      table('Pre-game models: sport × model type (best by walk-forward log loss)',
        ['Sport', 'Model type', 'Models', 'Best', 'Games', 'Accuracy', 'AUC', 'Brier', 'Log loss', 'Calibration error', 'Log loss − close ± SE', 'ROI vs close (bets)'],
        cells.map((c) => h('tr', { 'data-key': `${c.sport}/${c.modelType}` },
          td('Sport', c.sport.toUpperCase()), td('Model type', c.modelType), td('Models', fmt(c.models)),
          td('Best', h('code', null, `${c.best.name} v${c.best.version}`)), td('Games', fmt(c.best.metrics.n)),
          td('Accuracy', fmt(c.best.metrics.accuracy, 3)), td('AUC', fmt(c.best.metrics.auc, 3)), td('Brier', fmt(c.best.metrics.brier, 4)),
          td('Log loss', fmt(c.best.metrics.logLoss, 4)), td('Calibration error', fmt(c.best.metrics.calibrationError, 4)),
          td('Log loss − close', pm(c.best.vsMarket.logLoss)), td('ROI', `${fmt(c.best.roi.roi, 4)} (${fmt(c.best.roi.bets)})`))),
        { empty: 'No pre-game model has walk-forward predictions yet.', cls: 'sport-matrix' }),
      m.summary ? h('p', { class: 'muted small' },
        `${fmt(m.summary.models)} models · best log loss ${fmt(m.summary.bestLogLoss, 4)} · ${fmt(m.summary.beatingMarketLogLoss)} beat the close · accuracy ≥ 55%: ${fmt(m.summary.meetingAccuracyMinimum)} · ROI ≥ 5%: ${fmt(m.summary.meetingRoiMinimum)}`) : '');
  }

  function drawMatrix(m: { generatedAt: string; cells: Cell[] }): Node {
    if (m.cells.length === 0) return h('p', { class: 'empty' }, 'No pending work to value.');
    const models = [...new Set(m.cells.map((c) => c.modelKey ?? c.kernel))].slice(0, 12);
    const batches = [...new Map(m.cells.map((c) => [c.batchId, c.batchName])).entries()].slice(0, 20);
    const maxEv = Math.max(1e-12, ...m.cells.map((c) => c.ev ?? 0));
    const cellOf = (b: string, k: string) => m.cells.find((c) => c.batchId === b && (c.modelKey ?? c.kernel) === k);
    // The caption sits above the scrolling box, so a wide matrix scrolls without cutting it off.
    return h('div', null, h('p', { class: 'help', id: 'matrix-caption' }, `Expected value of pending work (EV = expected improvement × importance / estimated hours), ${when(m.generatedAt)}`),
      h('div', { class: 'table-wrap' }, h('table', { class: 'matrix', 'aria-describedby': 'matrix-caption' },
      h('caption', { class: 'sr-only' }, 'Task value matrix'),
      h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'Batch'), ...models.map((k) => h('th', { scope: 'col', title: k }, k.includes('~') ? `${k.split('@')[0]} ~${k.split('~')[1]!.slice(0, 6)}` : k)))),
      h('tbody', null, ...batches.map(([id, name]) => h('tr', { 'data-key': id },
        h('th', { scope: 'row', title: name }, h('a', { href: `#/batches/${id}` }, name)),
        ...models.map((k) => {
          const c = cellOf(id, k);
          if (!c) return h('td', { class: 'muted' }, '');
          const level = c.ev !== null ? Math.sqrt((c.ev ?? 0) / maxEv) : 0;
          return h('td', { class: 'mcell', style: { background: `rgba(5, 150, 105, ${(0.08 + 0.6 * level).toFixed(2)})` }, title: `#${c.rank}: ${c.pendingWus} pending WUs, ${fmt(c.estimatedHours, 2)} h` },
            c.ev === null ? h('span', { class: 'muted small' }, 'untracked') : fmt(c.ev, 4), h('div', { class: 'small muted' }, `${fmt(c.pendingWus)} WUs`));
        })))))));
  }

  function drawTrending(t: Trending): Node {
    const list = (title: string, ms: Trending['improving']) => h('div', null, h('h3', null, title), ms.length
      ? h('ul', { class: 'plain' }, ...ms.map((m) => h('li', { 'data-key': m.key }, h('code', null, m.key), ` slope ${fmt(m.trend.slope, 5)} [${fmt(m.trend.lower, 5)}, ${fmt(m.trend.upper, 5)}] · best ${fmt(m.best, 4)}`)))
      : h('p', { class: 'empty' }, 'None.'));
    return h('div', null,
      h('div', { class: 'kpis' }, ...(['improving', 'regressing', 'plateau', 'new'] as const).map((k) =>
        h('div', { class: `kpi ${k === 'regressing' && t.counts[k] ? 'k-bad' : k === 'improving' ? 'k-done' : ''}` }, h('div', { class: 'kpi-value' }, fmt(t.counts[k])), h('div', { class: 'kpi-label' }, k)))),
      h('div', { class: 'grid-2' }, list('Improving', t.improving), list('Regressing', t.regressing)));
  }

  const drawMilestones = (t: Trending) => t.milestones.length === 0 ? h('p', { class: 'empty' }, 'No breakthroughs or regressions yet.')
    : h('ol', { class: 'timeline' }, ...t.milestones.map((m) => h('li', { 'data-key': String(m.id), class: `tl-${m.kind}` },
      h('time', { datetime: m.at }, when(m.at)), ' ', badge(m.kind), ' ', h('code', null, m.modelKey),
      ` ${fmt(m.previous, 4)} → ${fmt(m.value, 4)}`, m.adjustedP !== null ? h('span', { class: 'muted' }, ` (adjusted p ${fmt(m.adjustedP, 4)})`) : '')));

  const drawFollowUps = (f: { followUps: FollowUp[] }) => table('Suggested follow-up work', ['Model', 'Kind', 'Why', 'Suggested', ''], f.followUps.map((x) =>
    h('tr', { 'data-key': x.id },
      td('Model', h('code', null, x.modelKey)), td('Kind', x.kind), td('Why', x.reason), td('Suggested', when(x.createdAt)),
      td('', h('div', { class: 'row-actions' },
        h('button', { type: 'button', class: 'primary', 'data-action': 'accept', 'data-id': x.id }, 'Accept'),
        h('button', { type: 'button', 'data-action': 'reject', 'data-id': x.id }, 'Reject'))))),
  { empty: 'No recommendations waiting.', cls: 'cards' });

  const drawTypes = (t: { modelTypes: ModelType[] }) => table('Model types', ['Kernel', 'Metric', 'Direction', 'Models'], t.modelTypes.map((m) =>
    h('tr', { 'data-key': m.kernel }, td('Kernel', h('code', null, m.kernel), h('div', { class: 'muted small' }, m.title)),
      td('Metric', m.metric ?? h('span', { class: 'muted' }, 'not tracked')), td('Direction', m.lowerIsBetter === null ? '–' : m.lowerIsBetter ? 'lower is better' : 'higher is better'),
      td('Models', fmt(m.models)))), { cls: 'cards' });

  return {
    title: 'Scoreboard',
    reloadOn: ['wu.validated', 'batch.submitted', 'batch.finished'],
    load,
    render() {
      const missing = [boards, matrix, trend, types].every((p) => p && !p.ok && (p.status === 404 || p.status === 501));
      if (missing) {
        return [h('div', { class: 'notice muted-notice', role: 'status' },
          h('p', null, h('strong', null, 'The performance tracker is not available on this coordinator.')),
          h('p', null, `Its endpoints under ${BASE}/ answered 404, so there is no scoreboard, value matrix, trend or milestone to show. Validated results are still in each batch's results.`))];
      }
      return [
        section('Current vs best per model', panel(boards, 'The leaderboard', drawBoards)),
        section('Performance matrix', panel(matrix, 'The performance matrix', drawSportMatrix)),
        section('Task value matrix', panel(matrix, 'The task value matrix', drawMatrix),
          h('p', { class: 'button-row' }, h('button', { type: 'button', 'data-action': 'rebalance' }, 'Re-prioritise open batches by EV…'))),
        h('div', { class: 'grid-2' },
          section('Trending', panel(trend, 'Trending', drawTrending)),
          section('Milestones', panel(trend, 'The milestones timeline', drawMilestones))),
        section('Recommendations', panel(follow, 'Recommendations', drawFollowUps)),
        h('details', { class: 'panel' }, h('summary', null, 'Model types'), panel(types, 'Model types', drawTypes)),
      ];
    },
    actions: {
      async accept(el) {
        const r = await api<Wire<AcceptedFollowUp>>('POST', `${BASE}/follow-ups/${el.dataset.id}/accept`);
        ctx.toast(`Follow-up accepted${r.batchId ? `: batch ${short(r.batchId)} submitted` : ''}.`, 'ok');
        await load();
      },
      async reject(el) {
        await api('POST', `${BASE}/follow-ups/${el.dataset.id}/reject`);
        ctx.toast('Follow-up rejected.', 'ok');
        await load();
      },
      async rebalance() {
        const dry = await api<Wire<RebalanceAnswer>>('POST', `${BASE}/rebalance`, { dryRun: true });
        if (dry.changes.length === 0) { ctx.toast('Priorities already follow EV; nothing to change.', 'info'); return; }
        const body = dry.changes.slice(0, 8).map((c) => `${c.name}: ${c.from} → ${c.to}`).join('; ');
        if (!(await ctx.confirm({ title: `Re-prioritise ${dry.changes.length} batches?`, body, action: 'Apply' }))) return;
        await api('POST', `${BASE}/rebalance`, { dryRun: false });
        ctx.toast('Batches re-prioritised by EV.', 'ok');
        await load();
      },
    },
  };
};
