import { alignedStart, liveStartMs } from './sim-start';

const at = (iso: string) => Date.parse(iso);

describe('where the live demo starts simulated time', () => {
  it('starts at 07:30 UTC today on a weekday already past 07:30', () => {
    expect(new Date(liveStartMs(at('2026-11-19T15:12:00Z'))).toISOString()).toBe('2026-11-19T07:30:00.000Z'); // Thursday
  });

  it('goes back to the previous weekday before 07:30', () => {
    expect(new Date(liveStartMs(at('2026-11-19T06:00:00Z'))).toISOString()).toBe('2026-11-18T07:30:00.000Z');
    expect(new Date(liveStartMs(at('2026-11-16T03:00:00Z'))).toISOString()).toBe('2026-11-13T07:30:00.000Z'); // Monday night → Friday
  });

  it('starts on Friday over a weekend', () => {
    expect(new Date(liveStartMs(at('2026-11-21T15:15:00Z'))).toISOString()).toBe('2026-11-20T07:30:00.000Z'); // Saturday
    expect(new Date(liveStartMs(at('2026-11-22T23:59:00Z'))).toISOString()).toBe('2026-11-20T07:30:00.000Z'); // Sunday
  });

  it('puts --start on the 15-minute grid and refuses what is not a time', () => {
    expect(new Date(alignedStart('2026-06-21T12:07:00Z')).toISOString()).toBe('2026-06-21T12:00:00.000Z');
    expect(alignedStart('yesterday')).toBeNaN();
  });
});
