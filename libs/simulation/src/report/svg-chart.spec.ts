import { escapeXml, niceTicks, renderChart } from './svg-chart';

const HOUR = 3_600_000;

describe('report charts', () => {
  it('chooses round ticks', () => {
    expect(niceTicks(0, 10)).toEqual([0, 2, 4, 6, 8, 10]);
    expect(niceTicks(0, 0.23)).toEqual([0, 0.05, 0.1, 0.15, 0.2]);
    expect(niceTicks(-3, 7)).toEqual([-2, 0, 2, 4, 6]);
    expect(niceTicks(5, 5)).toEqual([5]);
  });

  it('escapes text so a name cannot break the document', () => {
    expect(escapeXml(`<a & "b" 'c'>`)).toBe('&lt;a &amp; &quot;b&quot; &apos;c&apos;&gt;');
    const svg = renderChart({ title: 'Zone <north>', yLabel: 'kWh', kind: 'line', series: [{ name: 'a&b', points: [[0, 1], [HOUR, 2]] }] });
    expect(svg).toContain('Zone &lt;north&gt;');
    expect(svg).toContain('a&amp;b');
    expect(svg).not.toContain('<north>');
  });

  it('places line points by value: the highest at the top of the plot, zero on the axis', () => {
    const svg = renderChart({ title: 't', yLabel: 'y', kind: 'line', width: 400, height: 200, series: [{ name: 's', points: [[0, 0], [HOUR, 10]] }] });
    // plot area: x 64..384, y 36..156
    expect(svg).toContain('<path d="M64.0 156.0 L384.0 36.0"');
  });

  it('draws one bar per point and series, negative values below the axis', () => {
    const svg = renderChart({
      title: 't', yLabel: 'y', kind: 'bar',
      series: [{ name: 'import', points: [[0, 5], [900_000, 3]] }, { name: 'export', points: [[0, -2], [900_000, -1]] }],
    });
    expect(svg.match(/<rect x=/g)).toHaveLength(4 + 2); // bars, legend swatches
    // y from -2 to 5 over a 220 px plot starting at 36: the zero line is at 256 - 2/7 × 220 = 193.1.
    const rects = (color: string) =>
      [...svg.matchAll(new RegExp(`<rect x="[\\d.]+" y="([\\d.]+)" width="[\\d.]+" height="([\\d.]+)" fill="${color}"`, 'g'))].map((m) => [Number(m[1]), Number(m[2])]);
    const imports = rects('#0f766e').filter(([, h]) => h !== 10);
    const exports = rects('#b45309').filter(([, h]) => h !== 10);
    expect(imports).toHaveLength(2);
    for (const [y, h] of imports) expect(Math.abs(y! + h! - 193.1)).toBeLessThanOrEqual(0.1); // up from the axis (each rounded to 0.1)
    expect(exports.map(([y]) => y!.toFixed(1))).toEqual(['193.1', '193.1']); // down from it
  });

  it('is the same document for the same input, and says so when there is nothing to draw', () => {
    const spec = { title: 't', yLabel: 'y', kind: 'line' as const, series: [{ name: 's', points: [[0, 1], [HOUR, 3]] as [number, number][] }] };
    expect(renderChart(spec)).toBe(renderChart(spec));
    expect(renderChart({ ...spec, series: [] })).toContain('no data');
  });
});
