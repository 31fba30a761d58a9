import { describe, expect, it } from 'vitest';
import { acceptParams } from './suggest-follow-ups';

describe('acceptParams', () => {
  it('returns the params a kernel would run, or null when its schema refuses them', () => {
    const accept = acceptParams('mc.bankroll@1');
    expect(accept({ strategy: 'kelly' })).toMatchObject({ strategy: 'kelly', fraction: 0.25, skill: 1 });
    expect(accept({ strategy: 'kelly', fraction: 2 })).toBeNull();
    expect(acceptParams('no.such@1')({})).toBeNull();
  });
});
