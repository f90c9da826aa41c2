/**
 * Small, dependency-free SVG charts for the simulation report: a file a person opens in any
 * browser or Markdown viewer, identical for identical input (no timestamps, no randomness).
 */

export interface ChartSeries {
  name: string;
  /** [x, y]; x is a time in ms for time charts. */
  points: ReadonlyArray<readonly [number, number]>;
}

export interface ChartSpec {
  title: string;
  yLabel: string;
  series: readonly ChartSeries[];
  kind: 'line' | 'bar';
  width?: number;
  height?: number;
}

const PALETTE = ['#0f766e', '#b45309', '#7c3aed', '#be123c', '#1d4ed8', '#4d7c0f'];
const MARGIN = { top: 36, right: 16, bottom: 44, left: 64 };

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
}

/** Round, readable tick values covering [min, max] (about `count` of them). */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [];
  if (min === max) return [min];
  const rough = (max - min) / Math.max(1, count);
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => s >= rough)!;
  const ticks: number[] = [];
  for (let v = Math.ceil(min / step) * step; v <= max + step * 1e-9; v += step) ticks.push(Number(v.toFixed(10)));
  return ticks;
}

function formatNumber(v: number): string {
  const abs = Math.abs(v);
  if (abs >= 1e6) return `${(v / 1e6).toFixed(abs >= 1e7 ? 0 : 1)}M`;
  if (abs >= 1e4) return `${(v / 1e3).toFixed(0)}k`;
  if (abs >= 100 || Number.isInteger(v)) return v.toFixed(0);
  return v.toPrecision(3).replace(/\.?0+$/, '');
}

/** "Mon 14:00" in UTC, for the time axis. */
function formatTimeTick(ms: number, spanMs: number): string {
  const d = new Date(ms);
  const hhmm = d.toISOString().slice(11, 16);
  if (spanMs <= 36 * 3600_000) return hhmm;
  return `${['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][d.getUTCDay()]} ${hhmm}`;
}

function timeTicks(min: number, max: number): number[] {
  const span = max - min;
  const steps = [900_000, 1_800_000, 3_600_000, 3 * 3_600_000, 6 * 3_600_000, 12 * 3_600_000, 86_400_000, 2 * 86_400_000, 7 * 86_400_000];
  const step = steps.find((s) => span / s <= 8) ?? steps[steps.length - 1]!;
  const ticks: number[] = [];
  for (let t = Math.ceil(min / step) * step; t <= max; t += step) ticks.push(t);
  return ticks;
}

/** The chart as a standalone SVG document. */
export function renderChart(spec: ChartSpec): string {
  const width = spec.width ?? 720;
  const height = spec.height ?? 300;
  const plotW = width - MARGIN.left - MARGIN.right;
  const plotH = height - MARGIN.top - MARGIN.bottom;
  const all = spec.series.flatMap((s) => s.points);
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${MARGIN.left}" y="20" font-size="14" font-weight="bold">${escapeXml(spec.title)}</text>`,
  ];
  if (all.length === 0) {
    out.push(`<text x="${width / 2}" y="${height / 2}" text-anchor="middle" fill="#666">no data</text>`, '</svg>');
    return out.join('\n');
  }
  let xMin = Math.min(...all.map((p) => p[0]));
  let xMax = Math.max(...all.map((p) => p[0]));
  const xs = [...new Set(all.map((p) => p[0]))].sort((a, b) => a - b);
  const slot = xs.length > 1 ? Math.min(...xs.slice(1).map((x, i) => x - xs[i]!)) : 900_000;
  if (spec.kind === 'bar' || xMin === xMax) {
    xMin -= slot / 2;
    xMax += slot / 2;
  }
  const yMin = Math.min(0, ...all.map((p) => p[1]));
  let yMax = Math.max(...all.map((p) => p[1]));
  if (yMax === yMin) yMax = yMin + 1;
  const yTicks = niceTicks(yMin, yMax);
  const yTop = Math.max(yMax, yTicks[yTicks.length - 1] ?? yMax);
  const sx = (x: number) => MARGIN.left + ((x - xMin) / (xMax - xMin)) * plotW;
  const sy = (y: number) => MARGIN.top + plotH - ((y - yMin) / (yTop - yMin)) * plotH;
  const r = (v: number) => v.toFixed(1);

  for (const t of yTicks) {
    out.push(`<line x1="${MARGIN.left}" x2="${MARGIN.left + plotW}" y1="${r(sy(t))}" y2="${r(sy(t))}" stroke="#e5e7eb"/>`);
    out.push(`<text x="${MARGIN.left - 6}" y="${r(sy(t) + 4)}" text-anchor="end" fill="#444">${formatNumber(t)}</text>`);
  }
  for (const t of timeTicks(xMin, xMax)) {
    out.push(`<line x1="${r(sx(t))}" x2="${r(sx(t))}" y1="${MARGIN.top + plotH}" y2="${MARGIN.top + plotH + 4}" stroke="#666"/>`);
    out.push(`<text x="${r(sx(t))}" y="${MARGIN.top + plotH + 16}" text-anchor="middle" fill="#444">${formatTimeTick(t, xMax - xMin)}</text>`);
  }
  out.push(`<line x1="${MARGIN.left}" x2="${MARGIN.left + plotW}" y1="${r(sy(0))}" y2="${r(sy(0))}" stroke="#666"/>`);
  out.push(`<text transform="translate(14 ${MARGIN.top + plotH / 2}) rotate(-90)" text-anchor="middle" fill="#444">${escapeXml(spec.yLabel)}</text>`);

  const n = spec.series.length;
  spec.series.forEach((series, i) => {
    const color = PALETTE[i % PALETTE.length]!;
    if (spec.kind === 'line') {
      const d = series.points.map(([x, y], j) => `${j === 0 ? 'M' : 'L'}${r(sx(x))} ${r(sy(y))}`).join(' ');
      if (d) out.push(`<path d="${d}" fill="none" stroke="${color}" stroke-width="1.5"/>`);
    } else {
      const barW = ((sx(xMin + slot) - sx(xMin)) * 0.8) / n;
      for (const [x, y] of series.points) {
        const left = sx(x) - (barW * n) / 2 + barW * i;
        const top = Math.min(sy(y), sy(0));
        out.push(`<rect x="${r(left)}" y="${r(top)}" width="${r(Math.max(0.5, barW))}" height="${r(Math.abs(sy(y) - sy(0)))}" fill="${color}"/>`);
      }
    }
    const lx = MARGIN.left + 10 + i * 130;
    out.push(`<rect x="${lx}" y="${height - 14}" width="10" height="10" fill="${color}"/>`);
    out.push(`<text x="${lx + 14}" y="${height - 5}" fill="#222">${escapeXml(series.name)}</text>`);
  });
  out.push('</svg>');
  return out.join('\n');
}
