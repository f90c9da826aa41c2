import { deviceLimitWh, type SellingDevice } from './device-limit';

const battery: SellingDevice = { type: 'battery', powerW: 10_000n, capacityWh: 13_500n, reserveWh: 1_350n };
const pv: SellingDevice = { type: 'pv_inverter', powerW: 4_000n, capacityWh: 0n, reserveWh: 0n };

describe('deviceLimitWh', () => {
  it('limits a PV inverter by its power over the interval only', () => {
    expect(deviceLimitWh(pv, 15, null, 0n)).toBe(1_000n);
    expect(deviceLimitWh(pv, 60, null, 9_999n)).toBe(4_000n);
  });

  it('limits a battery by power when it holds more than power × length above its reserve', () => {
    expect(deviceLimitWh(battery, 15, { socWh: 12_000n, atMs: 0 }, 0n)).toBe(2_500n);
  });

  it('limits a battery by its reported charge above the reserve', () => {
    expect(deviceLimitWh(battery, 15, { socWh: 3_000n, atMs: 0 }, 0n)).toBe(1_650n);
  });

  it('counts what the battery sells for other intervals after its report as already gone', () => {
    expect(deviceLimitWh(battery, 15, { socWh: 5_000n, atMs: 0 }, 2_500n)).toBe(1_150n);
  });

  it('never goes below zero, at or under the reserve', () => {
    expect(deviceLimitWh(battery, 15, { socWh: 1_000n, atMs: 0 }, 0n)).toBe(0n);
    expect(deviceLimitWh(battery, 15, { socWh: 1_350n, atMs: 0 }, 0n)).toBe(0n);
    expect(deviceLimitWh(battery, 15, { socWh: 4_000n, atMs: 0 }, 9_000n)).toBe(0n);
  });

  it('takes a battery that never reported as full to its rating, less its other sales', () => {
    expect(deviceLimitWh(battery, 60, null, 0n)).toBe(10_000n);
    expect(deviceLimitWh(battery, 60, null, 5_000n)).toBe(7_150n);
    expect(deviceLimitWh(battery, 15, null, 0n)).toBe(2_500n);
  });
});
