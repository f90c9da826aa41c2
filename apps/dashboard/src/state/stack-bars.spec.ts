import { stackBars } from './stack-bars';

describe('stackBars', () => {
  it('draws each series up to the sum of those before it, the last series (tallest) first', () => {
    const xs = [1, 2];
    expect(stackBars([xs, [2, 0], [1, 3], [null, 1]])).toEqual([xs, [3, 4], [3, 3], [2, 0]]);
  });

  it('leaves a single series as it is', () => {
    expect(stackBars([[5], [7]])).toEqual([[5], [7]]);
  });
});
