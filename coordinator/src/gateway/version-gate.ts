/*
 * Minimum agent versions per kernel (config work.minAgentVersion, keyed by kernel name or
 * name@version). An agent older than a kernel's minimum is not given that kernel's work, and is
 * told to update, instead of receiving params it does not know and failing on them.
 */

export interface OutdatedKernel { kernel: string; minVersion: string }

/** Numeric dotted versions compared part by part (`0.10.0` > `0.9.1`); a pre-release suffix is ignored. */
export function versionBelow(version: string, min: string): boolean {
  const parts = (v: string) => v.split(/[-+]/)[0]!.split('.').map((p) => Number.parseInt(p, 10) || 0);
  const a = parts(version);
  const b = parts(min);
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d < 0;
  }
  return false;
}

export function gateKernels(kernels: string[], agentVersion: string, minimums: Record<string, string>): { allowed: string[]; outdated: OutdatedKernel[] } {
  const allowed: string[] = [];
  const outdated: OutdatedKernel[] = [];
  for (const ref of kernels) {
    const min = minimums[ref] ?? minimums[ref.split('@')[0]!];
    if (min && versionBelow(agentVersion, min)) outdated.push({ kernel: ref, minVersion: min });
    else allowed.push(ref);
  }
  return { allowed, outdated };
}

/** What the agent is told (it logs a coordinator error and shows it in its terminal view). */
export function updateNotice(agentVersion: string, outdated: OutdatedKernel[]): string {
  const list = outdated.map((o) => `${o.kernel} needs ${o.minVersion}`).join(', ');
  return `nfl-agent ${agentVersion} is too old for some work (${list}): update nfl-agent to get it; other work continues`;
}
