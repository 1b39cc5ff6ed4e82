import { describe, expect, it } from 'vitest';
import { lineChartSvg } from '../../reports/svg-chart.ts';

describe('lineChartSvg', () => {
  it('draws each series as polylines through its points, gaps splitting the line, marks and escaped text', () => {
    const svg = lineChartSvg({
      title: 'bitrate <capped> & lifted',
      xLabel: 's',
      yLabel: 'kbps',
      series: [
        { name: 'arrived', points: [[0, 100], [1, 200], [2, Number.NaN], [3, 300], [4, 400]] },
        { name: 'encoded', points: [[0, 50], [4, 50]] },
      ],
      marks: [{ x: 2, label: '1006' }],
    });
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    const lines = [...svg.matchAll(/<polyline [^>]*points="([^"]*)"/g)].map((m) => m[1]!.split(' ').length);
    expect(lines).toEqual([2, 2, 2]);
    expect(svg).toContain('bitrate &lt;capped&gt; &amp; lifted');
    expect(svg).toContain('>1006</text>');
    expect(svg).not.toMatch(/<script|href=/);
  });

  it('the highest point reaches the top of the plot and x spans the whole width', () => {
    const svg = lineChartSvg({ title: 't', xLabel: 'x', yLabel: 'y', series: [{ name: 'a', points: [[10, 0], [20, 5]] }] });
    const pts = /<polyline [^>]*points="([^"]*)"/.exec(svg)![1]!.split(' ').map((p) => p.split(',').map(Number));
    expect(pts[0]![0]).toBe(56);
    expect(pts[1]![0]).toBe(720 - 16);
    expect(pts[1]![1]).toBe(28);
    expect(pts[0]![1]).toBe(320 - 40);
  });

  it('renders an empty chart without throwing', () => {
    expect(lineChartSvg({ title: 'none', xLabel: 'x', yLabel: 'y', series: [{ name: 'a', points: [] }] })).toContain('none');
  });
});
