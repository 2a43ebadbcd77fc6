import { linearFit, median } from './stats';

describe('stats', () => {
  it('takes the median of odd and even counts without reordering the input', () => {
    const values = [5, 1, 3];
    expect(median(values)).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2);
    expect(values).toEqual([5, 1, 3]);
  });

  it('fits a line and tells how linear the points are', () => {
    const exact = linearFit([
      [1, 12],
      [10, 30],
      [100, 210],
    ]);
    expect(exact.slope).toBeCloseTo(2);
    expect(exact.intercept).toBeCloseTo(10);
    expect(exact.r2).toBeCloseTo(1);
    expect(
      linearFit([
        [1, 10],
        [2, 30],
        [3, 10],
        [4, 30],
      ]).r2,
    ).toBeLessThan(0.5);
  });
});
