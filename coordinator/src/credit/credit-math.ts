import { sql, type SQL } from 'drizzle-orm';

/*
 * Credit arithmetic (DESIGN.md "credit"). One cobblestone is 1/200 of a day of a 1 GFLOPS
 * machine, as BOINC defines it; recent average credit decays with a 7-day half-life.
 */

export const COBBLESTONES_PER_FLOP = 200 / (86400 * 1e9);
export const RAC_HALF_LIFE_DAYS = 7;

/** Credit for a given number of floating-point operations. */
export function cobblestones(flops: number): number {
  return flops * COBBLESTONES_PER_FLOP;
}

/**
 * What a host claims for a replica: its CPU time times its benchmark, bounded to within a factor
 * of two of the WU's cost estimate so a host cannot inflate its claim by a bogus benchmark.
 */
export function claimedCredit(cpuSeconds: number, benchmarkFlops: number, costEstimate: number): number {
  const est = cobblestones(costEstimate);
  const raw = cobblestones(cpuSeconds * benchmarkFlops);
  return Math.min(Math.max(raw, est / 2), est * 2);
}

/** The low median: the middle value, or the lower of the two middle values. */
export function lowMedian(values: number[]): number {
  if (values.length === 0) throw new Error('lowMedian of nothing');
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)]!;
}

/** Credit granted to every valid replica of a quorum. An unreplicated result gets no more than the estimate. */
export function grantedCredit(claims: number[], costEstimate: number): number {
  if (claims.length === 1) return Math.min(claims[0]!, cobblestones(costEstimate));
  return lowMedian(claims);
}

/**
 * Exponentially weighted credit per day: decays by 2^(-dt/halfLife) and takes in `credit` spread
 * over the elapsed time. For tiny dt the limit ln2 * credit / halfLife keeps it continuous.
 */
export function updateRac(rac: number, credit: number, dtDays: number, halfLifeDays = RAC_HALF_LIFE_DAYS): number {
  const w = Math.exp((-dtDays * Math.LN2) / halfLifeDays);
  // Written exactly as RAC_SQL computes it (1 - w, not expm1: SQL has no expm1), so the two agree.
  const inflow = dtDays > 1e-6 ? ((1 - w) * credit) / dtDays : (Math.LN2 * credit) / halfLifeDays;
  return rac * w + inflow;
}

/** The same update in SQL, for the ledger's batched writes. `dt` is an expression in days. */
export const RAC_SQL = (rac: string, credit: string, dt: string) =>
  `(${rac} * exp(-(${dt}) * ln(2) / ${RAC_HALF_LIFE_DAYS}) + CASE WHEN (${dt}) > 1e-6 ` +
  `THEN (1 - exp(-(${dt}) * ln(2) / ${RAC_HALF_LIFE_DAYS})) * ${credit} / (${dt}) ` +
  `ELSE ln(2) * ${credit} / ${RAC_HALF_LIFE_DAYS} END)`;

/**
 * claimedCredit() in SQL, for the report statement: CPU seconds x benchmark FLOPS, kept within a
 * factor of two of the WU's cost estimate (all three are SQL expressions).
 */
export function claimedCreditSql(cpuSeconds: SQL, benchmarkFlops: SQL, costEstimate: SQL): SQL {
  const k = sql`${COBBLESTONES_PER_FLOP}::float8`;
  return sql`LEAST(GREATEST(${cpuSeconds} * ${benchmarkFlops} * ${k}, ${costEstimate} * ${k} / 2), ${costEstimate} * ${k} * 2)`;
}
