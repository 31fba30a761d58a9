import { badge, fmt, h, when } from '../dom';
import type { Model, PromotionDecision } from '../types';

/*
 * A promotion decision as the page shows it (the server's answer after a promote, or the last
 * decision stored with a model), and the dialog that asks for an optional override reason.
 */

type DecisionLike = Pick<PromotionDecision, 'decision' | 'against' | 'numbers' | 'override'> & { decidedAt?: string };

/** p-values: small ones in scientific notation rather than 0.0000. */
const pText = (p: number | null) => (p === null ? '–' : p < 0.001 ? p.toExponential(1) : fmt(p, 3));

export function decisionBlock(d: DecisionLike): HTMLElement {
  const n = d.numbers;
  const against = d.against ? `${d.against.name} v${d.against.version}` : 'no production version';
  return h('div', { class: 'decision', 'data-testid': 'decision' },
    h('p', null,
      d.decision ? badge(d.decision) : h('span', { class: 'badge' }, 'no test'), ' ',
      n ? n.reason : 'No paired test was run (promoted by override).',
      d.decidedAt ? h('span', { class: 'muted small' }, ` · ${when(d.decidedAt)}`) : null),
    n ? h('dl', { class: 'facts' },
      h('dt', null, 'Tested against'), h('dd', null, against),
      h('dt', null, 'Seasons'), h('dd', null, n.seasons.join(', ')),
      h('dt', null, 'Plays / games'), h('dd', null, `${fmt(n.plays)} / ${fmt(n.games)}`),
      h('dt', null, 'Log loss, candidate'), h('dd', null, fmt(n.candidateLogLoss, 4)),
      h('dt', null, 'Log loss, production'), h('dd', null, fmt(n.productionLogLoss, 4)),
      h('dt', null, 'Δ per play (> 0: candidate better)'), h('dd', { 'data-testid': 'delta' }, fmt(n.meanImprovement, 5)),
      h('dt', null, 'p (two-sided)'), h('dd', { 'data-testid': 'p-value' }, pText(n.pValue)),
      h('dt', null, 'α / permutations'), h('dd', null, `${n.alpha} / ${fmt(n.permutations)}${n.method ? ` (${n.method})` : ''}`))
      : h('p', { class: 'muted small' }, `Against: ${against}.`),
    d.override ? h('p', { class: 'notice warn' }, `Overridden by ${d.override.by}: ${d.override.reason}`) : null);
}

/**
 * Asks to promote `m`, with an optional override reason; resolves to the request body, or null
 * when cancelled. The dialog is the view's own, outside the re-rendered part of the page.
 */
export function askPromote(dialog: HTMLDialogElement, m: Model): Promise<{ override?: { reason: string } } | null> {
  const label = `${m.name} v${m.version}`;
  const reason = h('textarea', { id: 'override-reason', name: 'reason', rows: 3, maxlength: 1000, 'aria-describedby': 'override-help' }) as HTMLTextAreaElement;
  const cancel = h('button', { type: 'button' }, 'Cancel');
  const ok = h('button', { type: 'button', class: 'primary' }, `Test and promote ${label}`);
  dialog.replaceChildren(
    h('h2', { id: 'promote-title' }, `Promote ${label}?`),
    h('p', null, `${label} and the production version score the plays of their shared held-out seasons; a paired permutation test decides ship, iterate or kill. Only ship makes it production.`),
    h('label', { for: 'override-reason' }, 'Override reason (optional)'),
    reason,
    h('p', { class: 'help', id: 'override-help' }, 'With a reason (3 characters or more), it becomes production whatever the test decides; the reason and the numbers go to the audit log.'),
    h('div', { class: 'dialog-buttons' }, cancel, ok));
  reason.addEventListener('input', () => {
    ok.textContent = reason.value.trim() ? `Promote ${label} with override` : `Test and promote ${label}`;
    ok.className = reason.value.trim() ? 'danger' : 'primary';
  });
  return new Promise((resolve) => {
    const done = (v: { override?: { reason: string } } | null) => { dialog.close(); resolve(v); };
    cancel.addEventListener('click', () => done(null));
    ok.addEventListener('click', () => {
      const r = reason.value.trim();
      done(r ? { override: { reason: r } } : {});
    });
    dialog.addEventListener('cancel', () => resolve(null), { once: true });
    dialog.showModal();
    ok.focus();
  });
}
