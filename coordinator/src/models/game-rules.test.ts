import { describe, expect, it } from 'vitest';
import { gameState, ruledProbability, type CoverRequest } from './game-rules';

const req = (over: Partial<CoverRequest>): CoverRequest => ({ time_sec: 2000, hspread: -5, favorite_points: 17, underdog_points: 15, ...over });
const ruled = (over: Partial<CoverRequest>) => ruledProbability(gameState(req(over)));

describe('cover game rules', () => {
  it('answers 0.5 before kickoff and uses the model in play', () => {
    expect(ruled({ time_sec: 0, favorite_points: 0, underdog_points: 0 })).toBe(0.5);
    expect(gameState(req({})).phase).toBe('in_play');
    expect(gameState(req({}))).toMatchObject({ lead: 2, line: 5, secondsLeft: 1600 });
    // points at 0 s elapsed (a score before the clock ran) are a game in play, with the whole game left
    expect(gameState(req({ time_sec: 0, favorite_points: 7, underdog_points: 0 }))).toMatchObject({ phase: 'in_play', secondsLeft: 3600 });
  });

  it('ends regulation with the scores apart, and otherwise goes to overtime', () => {
    expect(ruled({ time_sec: 3600, favorite_points: 24, underdog_points: 17 })).toBe(1); // won by 7 > 5
    expect(ruled({ time_sec: 3600, favorite_points: 20, underdog_points: 17 })).toBe(0); // won by 3 < 5
    expect(ruled({ time_sec: 3600, favorite_points: 22, underdog_points: 17 })).toBe(0); // push: not a cover
    expect(ruled({ time_sec: 3600, hspread: 3, favorite_points: 14, underdog_points: 21 })).toBe(0); // underdog won
    const ot = gameState(req({ time_sec: 3600, favorite_points: 17, underdog_points: 17 }));
    expect(ot).toMatchObject({ phase: 'in_play', secondsLeft: 600 });
    expect(gameState(req({ time_sec: 3900, favorite_points: 20, underdog_points: 17 }))).toMatchObject({ phase: 'in_play', secondsLeft: 300 });
    expect(ruled({ time_sec: 4200, favorite_points: 17, underdog_points: 17 })).toBe(0); // overtime over, a tie
  });

  it('follows an explicit final flag', () => {
    expect(ruled({ time_sec: 3750, favorite_points: 23, underdog_points: 17, final: true })).toBe(1);
    expect(ruled({ time_sec: 1200, favorite_points: 30, underdog_points: 0, final: true })).toBe(1);
    expect(ruled({ time_sec: 3600, favorite_points: 24, underdog_points: 17, final: false })).toBeNull();
    const later = gameState(req({ time_sec: 4500, favorite_points: 17, underdog_points: 17, final: false }));
    expect(later).toMatchObject({ phase: 'in_play', secondsLeft: 300 }); // a further (playoff) period
  });

  it('takes the line from either side', () => {
    expect(gameState(req({ hspread: 6.5 })).line).toBe(6.5);
    expect(gameState(req({ hspread: -6.5 })).line).toBe(6.5);
  });
});
