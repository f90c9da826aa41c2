import { thinRoute } from './route-thinning';

describe('thinRoute', () => {
  it('keeps short routes whole and thins long ones to the limit, ends included, order kept', () => {
    expect(thinRoute([1, 2, 3], 48)).toEqual([1, 2, 3]);
    const long = Array.from({ length: 1_000 }, (_, i) => i);
    const thin = thinRoute(long, 48);
    expect(thin).toHaveLength(48);
    expect(thin[0]).toBe(0);
    expect(thin.at(-1)).toBe(999);
    expect(thin.every((v, i) => i === 0 || v > thin[i - 1]!)).toBe(true);
    expect(() => thinRoute(long, 1)).toThrow(RangeError);
  });
});
