import { eventWords } from '../event-words';
import { bar, h, temp } from '../dom';
import type { GridEvent, Intensity } from '../types';

/** The agent's heat limits (DESIGN.md "Heat"): above these it steps its intensity down. */
export const CPU_LIMIT = 90;
export const GPU_LIMIT = 85;

export const INTENSITY_COLOR: Record<Intensity, string> = { low: '#60a5fa', medium: '#fbbf24', high: '#f97316', inferno: '#dc2626' };

/** A temperature as text and a <meter> coloured by the agent's limit. */
export function tempMeter(c: number | null, limit: number, label: string): HTMLElement {
  if (c === null) return h('span', { class: 'muted' }, '–');
  return h('span', { class: 'temp' },
    h('meter', { min: 20, max: limit + 10, low: limit - 20, high: limit - 5, optimum: 30, value: Math.round(c), 'aria-label': label }),
    h('span', { class: c >= limit ? 'hot' : '' }, temp(c)));
}

/** What a host's error rate counts (coordinator/src/credit/host-reliability.ts). */
export const ERROR_RATE_HELP = 'Error rate: the share of a host\'s recent results that went wrong (invalid results, errors and missed deadlines), '
  + 'weighted towards the latest (each new result weighs 5%, so about the last 20 count most). A new host starts at 10%; '
  + 'a host above 20% is shown in red and loses trust for unreplicated work.';

/**
 * A batch's progress bar. A cancelled batch shows the share of its work units done, in the
 * cancelled colour ("40% done"), not the share finished: its cancelled units are not progress.
 */
export function batchBar(b: { name: string; state: string; wuCount: number; counts: { done: number } }, percent: number): HTMLElement {
  if (b.state !== 'cancelled') return bar(percent, `${b.name} progress`);
  const done = b.wuCount ? (100 * b.counts.done) / b.wuCount : 0;
  return bar(done, `${b.name}: share of work units done before it was cancelled`, { tone: 'cancelled', suffix: ' done' });
}

export function section(title: string, ...children: (Node | string | null | false)[]): HTMLElement {
  const id = `s-${title.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;
  return h('section', { class: 'panel', 'aria-labelledby': id }, h('h2', { id }, title), ...children);
}

/** A table with a caption for screen readers, inside a scroll box (narrow screens). */
export function table(caption: string, head: string[], rows: HTMLElement[], opts: { empty?: string; cls?: string } = {}): HTMLElement {
  if (rows.length === 0) return h('p', { class: 'empty' }, opts.empty ?? 'Nothing to show.');
  return h('div', { class: 'table-wrap' },
    h('table', { class: opts.cls ?? '' },
      h('caption', { class: 'sr-only' }, caption),
      h('thead', null, h('tr', null, ...head.map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', null, ...rows)));
}

/** A cell that shows its column name on phones (the table turns into cards; one box beside the name). */
export const td = (label: string, ...children: (Node | string | number | null | false | undefined)[]) =>
  h('td', { 'data-label': label }, h('div', { class: 'cell' }, ...children.map((c) => (c === undefined ? null : c))));

/** User and host names by id, for showing events. */
export async function namesFor(ctx: { userNames(): Promise<Map<string, string>>; live: { snapshot: { hostsLive: { id: string; name: string }[] } | null } }): Promise<Map<string, string>> {
  const users = await ctx.userNames();
  return new Map([...users, ...(ctx.live.snapshot?.hostsLive ?? []).map((x) => [x.id, x.name] as [string, string])]);
}

/** An event as one line: what, about which subject (named when it is a user or host), by whom. */
export function eventLine(e: GridEvent, names: Map<string, string>): (Node | string)[] {
  const actor = e.actor ? (names.get(e.actor) ?? (e.actor === 'system' ? 'system' : e.actor.slice(0, 8))) : null;
  const subject = e.subject ?? '';
  const named = names.get(subject);
  const link = e.kind.startsWith('batch.') && subject
    ? h('a', { href: `#/batches/${subject}` }, String((e.data as { name?: string } | null)?.name ?? subject.slice(0, 8)))
    : named ? h('strong', null, named)
      : subject ? h('code', null, subject.length > 12 ? subject.slice(0, 8) : subject) : null;
  const extra = describeData(e);
  const words = eventWords(e);
  // In words ("Batch season odds was submitted (10 WUs, mc.season) by admin"), the code kept as a title for searching.
  return [h('span', { class: 'ev-kind', title: e.kind }, words.noun), ' ', link ?? '', ` ${words.verb}`, extra ? ` ${extra}` : '', actor ? h('span', { class: 'muted' }, ` by ${actor}`) : ''];
}

function describeData(e: GridEvent): string {
  const d = e.data ?? {};
  switch (e.kind) {
    case 'batch.submitted': return `(${d.wuCount} WUs, ${d.kernel})`;
    case 'batch.cancelled': return `(${d.wus} WUs cancelled)`;
    case 'batch.reprioritised': return `(priority ${d.from} → ${d.to})`;
    case 'host.updated': return `(${JSON.stringify(d.to).replace(/[{}"]/g, '').replace(/,/g, ', ')})`;
    case 'user.created': return d.name ? `(${d.name}, ${d.role})` : '';
    case 'agent.error': return `(${d.code})`;
    default: return '';
  }
}
