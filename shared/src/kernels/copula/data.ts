import { z } from 'zod';
import type { GameRow } from '../../data/spreadspoke';
import { derived } from '../derived-cache';
import { approxRegularSeasonGames } from '../mc/season';
import { kendallTauB, pseudoObservations, ranks, type PseudoObservations } from './rank';
import type { KernelData } from '../types';

/*
 * What the copula kernels fit: pairs from spreadspoke.games, either the two teams' scores
 * (home, away) or the home margin and the total points (margin, total), over a season range.
 * Shared params and the derived pseudo-observations (cached per KernelData, not checkpointed).
 */

export const SPREADSPOKE = 'spreadspoke.games';

export const CopulaDataFields = {
  seasonFrom: z.number().int().min(1966).max(2025).default(2010),
  seasonTo: z.number().int().min(1966).max(2025).default(2024),
  includePlayoffs: z.boolean().default(false),
  /** `scores`: (home score, away score); `margin_total`: (home − away, home + away). */
  variables: z.enum(['scores', 'margin_total']).default('scores'),
  /** How tied values get ranks (rank.ts); `jitter` breaks them at random by tieSeed. */
  ties: z.enum(['jitter', 'average']).default('jitter'),
  tieSeed: z.number().int().min(0).max(0xffffffff).default(1),
  method: z.enum(['mle', 'itau']).default('mle'),
  /** Integer ν grid of the t copula's profile likelihood (default mle.ts DEFAULT_NU_GRID). */
  nuGrid: z.array(z.number().int().min(1).max(200)).min(1).max(40)
    .refine((g) => g.every((x, i) => i === 0 || x > g[i - 1]), 'nuGrid must be strictly increasing').optional(),
};

export interface CopulaDataParams {
  seasonFrom: number;
  seasonTo: number;
  includePlayoffs: boolean;
  variables: 'scores' | 'margin_total';
  ties: 'jitter' | 'average';
  tieSeed: number;
}

export interface CopulaData extends PseudoObservations {
  n: number;
  /** Kendall's tau-b and Spearman's rho of the raw pairs (ties counted as ties). */
  kendallTau: number;
  spearmanRho: number;
  /** Kendall's tau of the pseudo-observations the fits use (tie-free after jitter). */
  kendallTauPseudo: number;
}

/** CPU seconds × 1e9 to parse spreadspoke.games and the crosswalk on a fresh KernelData (2-core VM, Node 20). */
export const PARSE_SPREADSPOKE = 0.35e9;

/** Games a season range holds (regular seasons by era, plus about 11 playoff games a season). */
export function estimateGames(p: { seasonFrom: number; seasonTo: number; includePlayoffs: boolean }): number {
  let n = 0;
  for (let y = p.seasonFrom; y <= p.seasonTo; y++) n += approxRegularSeasonGames(y) + (p.includePlayoffs ? 11 : 0);
  return n;
}

function copulaPairs(games: readonly GameRow[], p: CopulaDataParams): { x: number[]; y: number[] } {
  const x: number[] = [], y: number[] = [];
  for (const g of games) {
    if (g.season < p.seasonFrom || g.season > p.seasonTo || (g.playoff && !p.includePlayoffs)) continue;
    if (p.variables === 'scores') { x.push(g.homeScore); y.push(g.awayScore); } else {
      x.push(g.homeScore - g.awayScore);
      y.push(g.homeScore + g.awayScore);
    }
  }
  return { x, y };
}

function pearson(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  let ma = 0, mb = 0;
  for (let i = 0; i < n; i++) { ma += a[i]; mb += b[i]; }
  ma /= n; mb /= n;
  let sab = 0, saa = 0, sbb = 0;
  for (let i = 0; i < n; i++) { sab += (a[i] - ma) * (b[i] - mb); saa += (a[i] - ma) ** 2; sbb += (b[i] - mb) ** 2; }
  return sab / Math.sqrt(saa * sbb);
}

function buildCopulaData(games: readonly GameRow[], p: CopulaDataParams): CopulaData {
  const { x, y } = copulaPairs(games, p);
  if (x.length < 10) throw new Error(`copula: only ${x.length} games in ${p.seasonFrom}–${p.seasonTo}`);
  const po = pseudoObservations(x, y, p.ties, p.tieSeed);
  return {
    ...po, n: x.length, kendallTau: kendallTauB(x, y), spearmanRho: pearson(ranks(x), ranks(y)),
    kendallTauPseudo: kendallTauB(po.u, po.v),
  };
}

export function copulaData(data: KernelData, p: CopulaDataParams): CopulaData {
  const key = { f: p.seasonFrom, t: p.seasonTo, po: p.includePlayoffs, v: p.variables, ti: p.ties, ts: p.tieSeed };
  return derived(data, 'copula.data', key, () => buildCopulaData(data.dataset<GameRow[]>(SPREADSPOKE), p));
}
