// A small line chart as a self-contained SVG (no script, no external reference), for evidence
// attached to checks: e.g. the bitrate over time of an impaired push with its status codes
// marked (issue "Faults": a bitrate-over-time chart per scenario). Pure: data in, text out.

export interface ChartSeries {
  name: string;
  /** [x, y] points; non-finite y values leave a gap. */
  points: readonly (readonly [number, number])[];
}

export interface ChartMark {
  x: number;
  label: string;
}

export interface LineChart {
  title: string;
  xLabel: string;
  yLabel: string;
  series: readonly ChartSeries[];
  /** Vertical marks (e.g. a status code at its time). */
  marks?: readonly ChartMark[];
}

const WIDTH = 720;
const HEIGHT = 320;
const MARGIN = { left: 56, right: 16, top: 28, bottom: 40 };
const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e'];
const TICKS = 5;
const LEGEND_STEP_PX = 140;

function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function round1(n: number): string {
  return (Math.round(n * 10) / 10).toString();
}

/** The chart as SVG text. An empty chart (no finite point) still renders its title and axes. */
export function lineChartSvg(chart: LineChart): string {
  const finite = chart.series.flatMap((s) => s.points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y)));
  const xs = [...finite.map(([x]) => x), ...(chart.marks ?? []).map((m) => m.x)];
  const xMin = xs.length ? Math.min(...xs) : 0;
  const xMax = xs.length ? Math.max(...xs) : 1;
  const yMax = finite.length ? Math.max(...finite.map(([, y]) => y)) : 1;
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const sx = (x: number) => MARGIN.left + ((x - xMin) / (xMax - xMin || 1)) * plotW;
  const sy = (y: number) => MARGIN.top + plotH - (y / (yMax || 1)) * plotH;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="11">`,
    `<text x="${WIDTH / 2}" y="16" text-anchor="middle" font-size="13">${escapeXml(chart.title)}</text>`,
    `<line x1="${MARGIN.left}" y1="${MARGIN.top + plotH}" x2="${MARGIN.left + plotW}" y2="${MARGIN.top + plotH}" stroke="#000"/>`,
    `<line x1="${MARGIN.left}" y1="${MARGIN.top}" x2="${MARGIN.left}" y2="${MARGIN.top + plotH}" stroke="#000"/>`,
  ];
  for (let i = 0; i <= TICKS; i++) {
    const y = (yMax * i) / TICKS;
    const x = xMin + ((xMax - xMin) * i) / TICKS;
    out.push(`<text x="${MARGIN.left - 4}" y="${round1(sy(y) + 4)}" text-anchor="end">${round1(y)}</text>`);
    out.push(`<text x="${round1(sx(x))}" y="${MARGIN.top + plotH + 14}" text-anchor="middle">${round1(x)}</text>`);
  }
  out.push(`<text x="${MARGIN.left + plotW / 2}" y="${HEIGHT - 6}" text-anchor="middle">${escapeXml(chart.xLabel)}</text>`);
  out.push(`<text x="12" y="${MARGIN.top + plotH / 2}" text-anchor="middle" transform="rotate(-90 12 ${MARGIN.top + plotH / 2})">${escapeXml(chart.yLabel)}</text>`);
  for (const m of chart.marks ?? []) {
    const x = round1(sx(m.x));
    out.push(`<line x1="${x}" y1="${MARGIN.top}" x2="${x}" y2="${MARGIN.top + plotH}" stroke="#888" stroke-dasharray="3,3"/>`);
    out.push(`<text x="${x}" y="${MARGIN.top - 2}" text-anchor="middle" fill="#555">${escapeXml(m.label)}</text>`);
  }
  chart.series.forEach((s, i) => {
    const colour = COLOURS[i % COLOURS.length];
    // A gap (non-finite y) starts a new run of the line.
    const runs: string[][] = [[]];
    for (const [x, y] of s.points) {
      if (!Number.isFinite(x) || !Number.isFinite(y)) {
        if (runs[runs.length - 1]!.length) runs.push([]);
        continue;
      }
      runs[runs.length - 1]!.push(`${round1(sx(x))},${round1(sy(y))}`);
    }
    for (const run of runs.filter((r) => r.length)) out.push(`<polyline fill="none" stroke="${colour}" stroke-width="1.5" points="${run.join(' ')}"/>`);
    const lx = MARGIN.left + 8 + i * LEGEND_STEP_PX;
    out.push(`<rect x="${lx}" y="${MARGIN.top + 4}" width="10" height="3" fill="${colour}"/>`);
    out.push(`<text x="${lx + 14}" y="${MARGIN.top + 9}">${escapeXml(s.name)}</text>`);
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}
