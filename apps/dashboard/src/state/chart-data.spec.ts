import { alignPriceSeries, intervalVolumes } from './chart-data';

describe('chart data', () => {
  it('aligns per-zone price series on the union of their timestamps', () => {
    const { zones, data } = alignPriceSeries({
      south: [[2_000, 300_000n]],
      north: [[1_000, 200_000n], [2_500, 210_000n], [3_000, 220_000n]],
    });
    expect(zones).toEqual(['north', 'south']);
    expect(data).toEqual([
      [1_000, 2_000, 2_500, 3_000],
      [0.2, null, 0.21, 0.22],
      [null, 0.3, null, null],
    ]);
  });

  it('lists the last intervals with their traded energy per zone', () => {
    const { zones, data } = intervalVolumes(
      {
        north: { '2026-11-21T10:00:00.000Z': { energyWh: 1_500n }, '2026-11-21T10:15:00.000Z': { energyWh: 500n } },
        south: { '2026-11-21T10:30:00.000Z': { energyWh: 2_000n } },
      },
      2,
    );
    expect(zones).toEqual(['north', 'south']);
    expect(data).toEqual([
      [Date.parse('2026-11-21T10:15:00.000Z'), Date.parse('2026-11-21T10:30:00.000Z')],
      [0.5, null],
      [null, 2],
    ]);
  });
});
