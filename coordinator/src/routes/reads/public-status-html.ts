import { html } from 'hono/html';
import type { publicStatus } from './public-status';

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

/**
 * The public status as HTML, the same on the status page (`GET /`) and the console's signed-out
 * page: hosts and compute hours, work-unit totals, running work by kernel, and where the API is.
 * Numbers sit in `td.num` cells; each page styles them.
 */
export function publicStatusHtml({ rows, byKernel, hours, hosts }: Awaited<ReturnType<typeof publicStatus>>) {
  return html`<p>Hosts online: <b>${fmt(hosts.online)}</b> of ${fmt(hosts.total)} (${fmt(hosts.gpu)} with a GPU) ·
CPU hours: <b>${fmt(hours.cpuHours, 1)}</b> · GPU hours: <b>${fmt(hours.gpuHours, 1)}</b></p>
<h2>Work units</h2>
<table>${rows.map(([k, n]) => html`<tr><th scope="row">${k}</th><td class="num">${fmt(n)}</td></tr>`)}</table>
<h2>Running now</h2>
${byKernel.size === 0 ? html`<p>Nothing is running.</p>` : html`<table><tr><th>kernel</th><th>batches</th><th>work units out</th></tr>
${[...byKernel].map(([k, x]) => html`<tr><td>${k}</td><td class="num">${fmt(x.batches)}</td><td class="num">${fmt(x.running)}</td></tr>`)}</table>`}
<h2>API</h2>
<ul>
<li><a href="/api/v1/openapi.json">OpenAPI document</a> (REST API, <code>Authorization: Bearer ngk_…</code>)</li>
<li><a href="/.well-known/jwks.json">Coordinator signing keys</a></li>
<li><a href="/healthz">Health</a></li>
</ul>`;
}
