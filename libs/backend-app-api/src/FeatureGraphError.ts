import { TrellisError } from '@trellis/errors';

/**
 * Every problem found in the feature graph before start, reported at once.
 *
 * @public
 */
export class FeatureGraphError extends Error {
  readonly problems: readonly TrellisError[];

  constructor(problems: TrellisError[]) {
    const lines = problems.map((problem, i) => `  ${i + 1}. ${problem.message}`);
    super(`The backend cannot start; found ${problems.length} problem(s):\n${lines.join('\n')}`);
    this.name = 'FeatureGraphError';
    this.problems = problems;
  }
}
