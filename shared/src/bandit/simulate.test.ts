import { describe, expect, it } from 'vitest';
import { regretSvg } from './regret-svg';
import { regretTable } from './regret-table';
import {
  bernoulliEnvironment, DEFAULT_MEANS, defaultContenders, logLogSlope, logSpacedPulls, recordedEnvironment, simulate,
} from './simulate';

/*
 * Strategy comparison by simulation: five arms with known means (the best, 0.7, is the last),
 * 10,000 pulls, fixed seeds. Every strategy that is meant to converge finds the best arm and
 * its regret grows sublinearly (log-log slope below 1); fixed ε = 0.2, the scheduler's default,
 * buys its lasting 20% exploration with linear regret, and the test says so.
 */

const PULLS = 10_000;

describe('bandit simulation', () => {
  const result = simulate(bernoulliEnvironment(DEFAULT_MEANS), defaultContenders(), { pulls: PULLS, seed: 20240901, runs: 3 });
  const curve = (label: string) => result.curves.find((c) => c.label === label)!;

  it.each(['eps-greedy decay', 'ucb1', 'thompson-beta', 'thompson-gauss', 'exp3'])('%s finds the best of 5 arms with sublinear regret', (label) => {
    const c = curve(label);
    expect(result.bestArm).toBe(4);
    expect(c.finalBestArmShare).toBeGreaterThan(0.9);
    expect(c.bestArmShare).toBeGreaterThan(0.5);
    expect(c.slope).toBeLessThan(1);
    // Sublinear, not just by a hair: the second half of the run adds less regret than the first.
    const at = (t: number) => c.regret[result.checkpoints.indexOf(t)]!;
    expect(at(10_000) - at(5_000)).toBeLessThan(at(5_000) - at(0 + 1) + 1e-9);
    expect(at(10_000) / 10_000).toBeLessThan(at(1_000) / 1_000);
  });

  it('fixed ε = 0.2 (the default) keeps exploring 20% of the time, so its regret stays about linear', () => {
    const c = curve('eps-greedy 0.2');
    expect(c.explorationShare).toBeCloseTo(0.2, 2);
    expect(c.finalBestArmShare).toBeGreaterThan(0.75);
    expect(c.slope).toBeGreaterThan(0.85);
    // Its cost per pull settles near ε times the mean gap of the other arms: 0.2 · (0.5+0.35+0.25+0.1)/4 = 0.06.
    const i = result.checkpoints.indexOf(5_000);
    expect((c.regret.at(-1)! - c.regret[i]!) / 5_000).toBeCloseTo(0.06, 1);
  });

  it('is reproducible: the same seed gives the same curves, another seed others', () => {
    const few = defaultContenders().slice(2, 4);
    const a = simulate(bernoulliEnvironment(DEFAULT_MEANS), few, { pulls: 2000, seed: 5, runs: 1 });
    const b = simulate(bernoulliEnvironment(DEFAULT_MEANS), few, { pulls: 2000, seed: 5, runs: 1 });
    const c = simulate(bernoulliEnvironment(DEFAULT_MEANS), few, { pulls: 2000, seed: 6, runs: 1 });
    expect(b).toEqual(a);
    expect(c.curves[0]!.regret).not.toEqual(a.curves[0]!.regret);
  });

  it('replays recorded rewards: the arm with the better recorded mean wins', () => {
    const env = recordedEnvironment({ 'mc.season@1': [0.8, 0.6, 0.7, 0.9], 'bench.hash@1': [0.2, 0.4, 0.3], empty: [] });
    expect(env.arms).toEqual(['bench.hash@1', 'mc.season@1']);
    expect(env.means[0]).toBeCloseTo(0.3, 12);
    expect(env.means[1]).toBeCloseTo(0.75, 12);
    const r = simulate(env, defaultContenders(), { pulls: 2000, seed: 1, runs: 1 });
    expect(r.bestArm).toBe(1);
    for (const c of r.curves) expect(c.finalBestArmShare).toBeGreaterThan(0.75);
    expect(() => recordedEnvironment({ only: [1] })).toThrow(/two arms/);
  });

  it('prints a table at log-spaced pulls and draws an SVG', () => {
    expect(logSpacedPulls(10_000)).toEqual([1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000]);
    expect(logSpacedPulls(300)).toEqual([1, 2, 5, 10, 20, 50, 100, 200, 300]);
    expect(logLogSlope([10, 100, 1000], [5, 50, 500])).toBeCloseTo(1, 12);
    expect(logLogSlope([10, 100, 1000], [1, 10 ** 0.5, 10])).toBeCloseTo(0.5, 12);
    const text = regretTable(result);
    expect(text).toMatch(/^pulls +eps-greedy 0\.2 +eps-greedy decay +ucb1 +thompson-beta +thompson-gauss +exp3$/m);
    expect(text).toMatch(/^10000 /m);
    expect(text).toMatch(/^log-log slope /m);
    expect(text).toMatch(/\* arm5 \(μ=0\.7\)/);
    const svg = regretSvg(result);
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.match(/<polyline/g)).toHaveLength(6);
    expect(svg).toContain('thompson-beta (slope');
  });
});
