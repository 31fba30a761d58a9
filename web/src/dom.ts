/*
 * A few DOM helpers instead of a framework: `h` builds elements, `morph` patches a live subtree to
 * match a freshly built one (keyed by `data-key`), so a view can simply render again when data
 * arrives without losing focus, a half-typed value or an open <details>. Behaviour is attached by
 * delegation (`data-action`), never by listeners on rendered nodes, so morphing keeps it right.
 */

export type Child = Node | string | number | null | undefined | false | Child[];
export type Props = Record<string, string | number | boolean | null | undefined | Record<string, string>>;

export function h(tag: string, props: Props | null = null, ...children: Child[]): HTMLElement {
  const el = document.createElement(tag);
  if (props) {
    for (const [k, v] of Object.entries(props)) {
      if (v === null || v === undefined || v === false) continue;
      if (k === 'style' && typeof v === 'object') {
        for (const [p, val] of Object.entries(v)) el.style.setProperty(p, val);
      } else if (k === 'value' && (el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement)) {
        el.value = String(v);
        el.setAttribute('value', String(v));
      } else {
        el.setAttribute(k, v === true ? '' : String(v));
      }
    }
  }
  append(el, children);
  return el;
}

function append(el: Node, children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.appendChild(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
  }
}

const SVG_NS = 'http://www.w3.org/2000/svg';
export function svg(tag: string, attrs: Record<string, string | number> = {}, ...children: (SVGElement | null)[]): SVGElement {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  for (const c of children) if (c) el.appendChild(c);
  return el;
}

const keyOf = (n: Node): string | null => (n instanceof Element ? n.getAttribute('data-key') : null);
const isControl = (n: Element): n is HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement =>
  n instanceof HTMLInputElement || n instanceof HTMLSelectElement || n instanceof HTMLTextAreaElement;

function syncAttributes(from: Element, to: Element): void {
  for (const a of [...from.attributes]) {
    if (to.hasAttribute(a.name)) continue;
    if (a.name === 'open' && from instanceof HTMLDetailsElement) continue; // the user's choice
    if (a.name === 'data-dirty') continue;
    from.removeAttribute(a.name);
  }
  for (const a of [...to.attributes]) {
    if (from.getAttribute(a.name) === a.value) continue;
    if (a.name === 'open' && from instanceof HTMLDetailsElement) continue;
    // CSSOM, not setAttribute: the page's CSP allows no inline style attributes.
    if (a.name === 'style') (from as HTMLElement).style.cssText = (to as HTMLElement).style.cssText;
    else from.setAttribute(a.name, a.value);
  }
}

/** Makes `from` look like `to`, reusing nodes; returns the node now in the tree. */
function morph(from: Node, to: Node): Node {
  if (from.nodeType !== to.nodeType || from.nodeName !== to.nodeName || keyOf(from) !== keyOf(to)) {
    from.parentNode?.replaceChild(to, from);
    return to;
  }
  if (!(from instanceof Element) || !(to instanceof Element)) {
    if (from.nodeValue !== to.nodeValue) from.nodeValue = to.nodeValue;
    return from;
  }
  if (from.hasAttribute('data-keep')) return from; // owned by someone else (a chart)
  syncAttributes(from, to);
  if (isControl(from)) {
    const busy = from === document.activeElement || from.hasAttribute('data-dirty');
    if (from instanceof HTMLSelectElement) {
      if (!busy) {
        const value = (to as HTMLSelectElement).value;
        morphChildren(from, to);
        from.value = value;
      }
    } else if (!busy) {
      const t = to as HTMLInputElement;
      if (from instanceof HTMLInputElement && (from.type === 'checkbox' || from.type === 'radio')) from.checked = t.hasAttribute('checked');
      else if (from.value !== (t.getAttribute('value') ?? t.value ?? '')) from.value = t.getAttribute('value') ?? t.value ?? '';
    }
    return from;
  }
  morphChildren(from, to);
  return from;
}

function morphChildren(from: Element, to: Element): void {
  const keyed = new Map<string, Node>();
  for (const c of from.childNodes) {
    const k = keyOf(c);
    if (k) keyed.set(k, c);
  }
  let cursor: ChildNode | null = from.firstChild;
  for (const next of [...to.childNodes]) {
    const k = keyOf(next);
    let match: Node | null = null;
    if (k) match = keyed.get(k) ?? null;
    else if (cursor && !keyOf(cursor) && cursor.nodeName === next.nodeName) match = cursor;
    if (match) {
      if (k) keyed.delete(k);
      if (match === cursor) cursor = cursor.nextSibling;
      else from.insertBefore(match, cursor);
      morph(match, next);
    } else {
      from.insertBefore(next, cursor);
    }
  }
  while (cursor) {
    const n: ChildNode | null = cursor.nextSibling;
    from.removeChild(cursor);
    cursor = n;
  }
}

/** Replaces the children of `root` by `children`, morphing what is already there. */
export function patch(root: Element, ...children: Child[]): void {
  const next = root.cloneNode(false) as Element;
  append(next, children);
  morphChildren(root, next);
}

// ---- formatting --------------------------------------------------------------------------------

export function fmt(n: number | null | undefined, digits = 0): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '–';
  // A small non-zero value keeps two significant digits rather than showing as 0.00.
  if (n !== 0 && digits > 0 && Math.abs(n) < 0.5 * 10 ** -digits) return Number(n.toPrecision(2)).toLocaleString('en-US', { maximumSignificantDigits: 2 });
  return n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

export const pct = (n: number | null | undefined, digits = 0): string => (n === null || n === undefined ? '–' : `${fmt(n, digits)}%`);

export const temp = (c: number | null | undefined): string => (c === null || c === undefined ? '–' : `${Math.round(c)} °C`);

/** "12 s ago", "3 min ago", "2 h ago", or a date. */
export function ago(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return 'never';
  const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h ago`;
  return new Date(iso).toLocaleDateString();
}

export const when = (iso: string | null | undefined): string => (iso ? new Date(iso).toLocaleString() : '–');

export const short = (id: string | number): string => String(id).slice(0, 8);

/** A badge for a state word, colour-coded by CSS (`.badge.s-invalid`, ...). */
export const badge = (state: string, label = state): HTMLElement => h('span', { class: `badge s-${state.replace(/[^a-z_]/gi, '')}` }, label);

/** A labelled progress bar (the label is the accessible name). */
export function bar(percent: number, label: string, opts: { tone?: 'cancelled'; suffix?: string } = {}): HTMLElement {
  const p = Math.max(0, Math.min(100, percent));
  return h('div', { class: `bar-wrap${opts.tone ? ` ${opts.tone}` : ''}` },
    h('progress', { max: 100, value: Math.round(p * 10) / 10, 'aria-label': label }),
    h('span', { class: 'bar-text' }, pct(p, p < 10 && p > 0 ? 1 : 0) + (opts.suffix ?? '')));
}
