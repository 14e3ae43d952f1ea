/** One problem found in a suite file. */
export interface SuiteProblem {
  /** Where: a JSON path into the suite file (`$.axes["algorithm.sparsity"][2]`) or a command-line option. */
  readonly where: string;
  /** What is wrong, with the offending value. */
  readonly message: string;
  /** Expanded runs that hit the problem (empty for problems in the file's structure). */
  readonly runs: readonly string[];
}

/** A suite that cannot run: every problem found, each with its location. Thrown before any run starts. */
export class SuiteError extends Error {
  /** The problems, in the order found. */
  readonly problems: readonly SuiteProblem[];

  constructor(source: string, problems: readonly SuiteProblem[]) {
    const shown = problems.slice(0, 20).map((p) => {
      const runs = p.runs.length === 0 ? '' : `\n      in ${p.runs.length} run(s), e.g. ${p.runs.slice(0, 2).join('; ')}`;
      return `  ${p.where}: ${p.message}${runs}`;
    });
    const more = problems.length > 20 ? [`  … and ${problems.length - 20} more`] : [];
    super(`suite ${source} is invalid (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n${[...shown, ...more].join('\n')}`);
    this.name = 'SuiteError';
    this.problems = problems;
  }
}
