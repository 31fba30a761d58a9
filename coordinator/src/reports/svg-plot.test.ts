import { describe, expect, it } from 'vitest';
import { escapeXml, linePlot, niceStep, niceTicks } from './svg-plot';

describe('svg plot helper', () => {
  it('picks nice tick steps and ticks', () => {
    expect(niceStep(0, 1)).toBe(0.2);
    expect(niceStep(0, 10)).toBe(2);
    expect(niceStep(0, 7)).toBe(2);
    expect(niceStep(1000, 1600)).toBe(200);
    expect(niceTicks(0, 1)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(0.13, 0.71)).toEqual([0.2, 0.4, 0.6]);
    expect(niceTicks(-3, 7)).toEqual([-2, 0, 2, 4, 6]);
  });
  it('draws series, a diagonal and a legend into a well-formed SVG', () => {
    const svg = linePlot({ title: 'A < B & C', xLabel: 'x', yLabel: 'y', diagonal: true, xDomain: [0, 1], yDomain: [0, 1],
      series: [{ name: 'raw', points: [[0.1, 0.2], [0.5, 0.5], [0.9, 0.8]] }, { name: 'dots', points: [[0.3, 0.3]], style: 'points' }] });
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trim().endsWith('</svg>')).toBe(true);
    expect(svg).toContain('A &lt; B &amp; C');
    expect(svg).toContain('stroke-dasharray');
    expect(svg.match(/<polyline/g)).toHaveLength(1);
    expect(svg.match(/<circle/g)).toHaveLength(1);
    // x = 0.5 maps to the middle of the 420-pixel plot area starting at 70.
    expect(svg).toContain('280,');
    expect(linePlot({ title: 't', xLabel: 'x', yLabel: 'y', series: [] })).toContain('</svg>');
    expect(escapeXml('"a"')).toBe('&quot;a&quot;');
  });
});
