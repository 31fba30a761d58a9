import type { GridEvent } from './types';

/** What each event kind means, as the end of a sentence whose subject is the event's subject. */
const WORDS: Record<string, string> = {
  'batch.submitted': 'was submitted',
  'batch.cancelled': 'was cancelled',
  'batch.done': 'finished',
  'batch.finished': 'finished',
  'batch.reprioritised': 'had its priority changed',
  'batch.stage_opened': 'opened its next stage',
  'batch.plan_ended': 'ended its plan',
  'host.enrolled': 'enrolled',
  'host.updated': 'had its settings changed',
  'host.changed': 'changed',
  'host.hello_refused': 'was refused at connect',
  'host.second_connection': 'connected a second time',
  'host.reexamined': 'had its past results re-examined',
  'host.cpu_claim_cut': 'had a CPU time claim cut',
  'agent.error': 'reported an error',
  'wu.failed': 'failed',
  'wu.reopened': 'was re-opened',
  'wu.validated': 'was validated',
  'user.created': 'was created',
  'key.created': 'got a new API key',
  'key.revoked': 'had an API key revoked',
  'session.started': 'signed in to the console',
  'enrollment_token.created': 'got an enrollment token',
  'pair.flagged': 'was flagged: two hosts agree too often',
  'pair.cleared': 'was cleared',
  'model.registered': 'was registered',
  'model.promoted': 'was promoted',
  'model.promoted_override': 'was promoted by override',
  'model.not_promoted': 'was not promoted',
  'model.rolled_back': 'was rolled back',
  'bandit.strategy': 'strategy was switched',
  'bandit.arm.capped': 'arm was capped',
  'bandit.arm.uncapped': 'arm was uncapped',
  'bandit.guardrail': 'guardrail tripped',
  'bandit.rollback': 'rolled back',
  'performance.error': 'tracker hit an error',
  'performance.follow_up': 'suggested a follow-up',
  'data.pipeline_run': 'pipeline ran',
};

/** The noun for an event's kind (its first part): "Batch", "Host", "Model", … */
const NOUNS: Record<string, string> = {
  batch: 'Batch', host: 'Host', agent: 'Agent on host', wu: 'Work unit', user: 'User', key: 'User', session: 'User',
  enrollment_token: 'User', pair: 'Host pair', model: 'Model', bandit: 'Bandit', performance: 'Performance', data: 'Data',
};

/** "Batch", "was submitted" for batch.submitted; unknown kinds fall back to the code. */
export function eventWords(e: GridEvent): { noun: string; verb: string } {
  const head = e.kind.split('.')[0]!;
  return { noun: NOUNS[head] ?? e.kind, verb: WORDS[e.kind] ?? `(${e.kind})` };
}
