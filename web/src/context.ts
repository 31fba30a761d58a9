import type { LiveFeed } from './live';
import type { LiveKind, LiveMessage, Snapshot, User } from './types';

/** What every view gets from the shell. */
export interface Ctx {
  user: User;
  live: LiveFeed;
  /** Route parameters: `#/batches/<id>` gives ['<id>']; query from `#/batches?state=open`. */
  params: string[];
  query: URLSearchParams;
  navigate(hash: string): void;
  toast(message: string, kind?: 'ok' | 'error' | 'info'): void;
  /** `keep` labels the button that changes nothing (default "Cancel"; say "Keep batch" where the action is itself a cancel). */
  confirm(o: { title: string; body: string; action: string; danger?: boolean; keep?: string }): Promise<boolean>;
  /** Names of users by id (for the audit log and events), loaded once. */
  userNames(): Promise<Map<string, string>>;
}

/**
 * A page of the console. `render` builds its DOM from current data (the shell morphs it into
 * place); `load` fetches; `live` sees each message from the stream and may ask for a reload.
 */
export interface View {
  title: string;
  load(): Promise<void>;
  render(): Node[];
  /** Return true to re-render (after the view updated its data from the message). */
  live?(m: LiveMessage): boolean;
  /** Event kinds after which `load` runs again (debounced). */
  reloadOn?: LiveKind[];
  /** Delegated actions: `data-action="name"` on a button, form or control. */
  actions?: Record<string, (el: HTMLElement, ev: Event) => void | Promise<void>>;
  destroy?(): void;
}

export type ViewFactory = (ctx: Ctx, render: () => void) => View;

