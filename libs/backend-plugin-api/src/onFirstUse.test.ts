import { onFirstUse } from './onFirstUse';

describe('onFirstUse', () => {
  it('builds once, on the first call, and returns the same value after', () => {
    let builds = 0;
    const schemas = onFirstUse(() => ({ n: ++builds }));
    expect(builds).toBe(0);
    const first = schemas();
    expect(schemas()).toBe(first);
    expect(builds).toBe(1);
  });

  it('tries again after a build that threw, and keeps falsy values', () => {
    let attempts = 0;
    const flaky = onFirstUse(() => {
      attempts++;
      if (attempts === 1) {
        throw new Error('not yet');
      }
      return 0;
    });
    expect(() => flaky()).toThrow('not yet');
    expect(flaky()).toBe(0);
    expect(flaky()).toBe(0);
    expect(attempts).toBe(2);
  });
});
