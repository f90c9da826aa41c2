import { intervalStartMs, isIntervalAligned, isIntervalLength, nextIntervalStartMs } from './interval';

describe('delivery intervals', () => {
  const t = Date.UTC(2026, 10, 21, 10, 7, 31, 250);

  it('aligns a moment to the 15-minute interval that contains it', () => {
    expect(intervalStartMs(t)).toBe(Date.UTC(2026, 10, 21, 10, 0));
    expect(nextIntervalStartMs(t)).toBe(Date.UTC(2026, 10, 21, 10, 15));
  });

  it('aligns to the UTC epoch for every supported length', () => {
    expect(intervalStartMs(t, 5)).toBe(Date.UTC(2026, 10, 21, 10, 5));
    expect(intervalStartMs(t, 30)).toBe(Date.UTC(2026, 10, 21, 10, 0));
    expect(intervalStartMs(t, 60)).toBe(Date.UTC(2026, 10, 21, 10, 0));
  });

  it('knows which starts are on a boundary', () => {
    expect(isIntervalAligned(Date.UTC(2026, 10, 21, 10, 15))).toBe(true);
    expect(isIntervalAligned(Date.UTC(2026, 10, 21, 10, 16))).toBe(false);
    expect(isIntervalAligned(Date.UTC(2026, 10, 21, 10, 15), 30)).toBe(false);
  });

  it('accepts only 5, 15, 30 and 60 minutes', () => {
    expect([5, 15, 30, 60].every(isIntervalLength)).toBe(true);
    expect([0, 10, 45, 120].some(isIntervalLength)).toBe(false);
  });
});
