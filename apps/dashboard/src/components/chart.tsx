import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import { stackBars } from '../state/stack-bars';

const PALETTE = ['#0f766e', '#b45309', '#7c3aed', '#be123c', '#1d4ed8', '#4d7c0f'];

export interface ChartProps {
  title: string;
  /** Series names (one per data column after x). */
  names: string[];
  data: Array<Array<number | null>>;
  unit: string;
  bars?: boolean;
  /** Room left and right of the data on the time axis (bars: half an interval or more). */
  xPadMs?: number;
  height?: number;
  testId?: string;
}

/** A uPlot chart that follows its container's width and keeps one plot while its series stay the same. */
export function Chart({ title, names, data, unit, bars = false, xPadMs = 30_000, height = 220, testId }: ChartProps) {
  const host = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const key = names.join('|');
  // Stacked bars are drawn last series first; the legend still shows each series' own value.
  const raw = useRef(data);
  raw.current = data;
  const order = bars ? names.map((_, i) => names.length - 1 - i) : names.map((_, i) => i);

  useEffect(() => {
    const el = host.current;
    if (!el) return;
    const options: uPlot.Options = {
      width: Math.max(200, el.clientWidth),
      height,
      legend: { show: true },
      cursor: { drag: { x: false, y: false } },
      ms: 1,
      // Bars measure from zero; a line of prices is free to zoom in on its range.
      scales: { x: { time: true }, ...(bars ? { y: { range: (_u: uPlot, _min: number, max: number): uPlot.Range.MinMax => [0, max > 0 ? max * 1.1 : 1] } } : {}) },
      axes: [{}, { label: unit, size: 60 }],
      series: [
        {},
        ...order.map((i) => names[i]!).map((name, k) => ({
          label: name,
          ...(bars ? { value: (_u: uPlot, _v: number | null, _si: number, idx: number | null) => (idx === null ? '--' : String(raw.current[order[k]! + 1]?.[idx] ?? '--')) } : {}),
          stroke: PALETTE[order[k]! % PALETTE.length],
          fill: bars ? PALETTE[order[k]! % PALETTE.length] : undefined,
          width: bars ? 0 : 2,
          spanGaps: !bars,
          points: { show: !bars && data[0]!.length < 60 },
          ...(bars ? { paths: uPlot.paths.bars!({ size: [0.8, 40] }) } : {}),
        })),
      ],
    };
    plot.current = new uPlot(options, (bars ? stackBars(data) : data) as uPlot.AlignedData, el);
    const resize = new ResizeObserver(() => plot.current?.setSize({ width: Math.max(200, el.clientWidth), height }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.current?.destroy();
      plot.current = null;
    };
    // A new plot only when the series change; data updates go through setData below.
  }, [key, bars, height, unit]);

  useEffect(() => {
    const p = plot.current;
    if (!p) return;
    p.setData((bars ? stackBars(data) : data) as uPlot.AlignedData);
    // uPlot stretches a lone point over years; keep some room around the data instead.
    const xs = data[0] as number[];
    if (xs.length > 0) p.setScale('x', { min: xs[0]! - xPadMs, max: xs[xs.length - 1]! + xPadMs });
  }, [data, key, bars]);

  return (
    <figure class="chart" data-testid={testId}>
      <figcaption>{title}</figcaption>
      {data[0]!.length === 0 ? <p class="empty">No data yet.</p> : null}
      <div ref={host} />
    </figure>
  );
}
