/** A plugin module is missing, exports no plugin, has a bad shape or descriptor, or collides with another; the message names the module and what to do. */
export class PluginError extends Error {
  /** The plugin module (its path as given) the problem is about. */
  readonly file: string;
  /** What is wrong. */
  readonly problem: string;
  /** How to put it right (empty when `problem` says it). */
  readonly fix: string;

  /** Creates an error about the plugin `file`: `problem` says what is wrong, `fix` how to put it right. */
  constructor(file: string, problem: string, fix: string, options?: { cause?: unknown }) {
    super(fix === '' ? `${file}: ${problem}` : `${file}: ${problem}. ${fix}`, options);
    this.name = 'PluginError';
    this.file = file;
    this.problem = problem;
    this.fix = fix;
  }
}

/** Whether `error` is a {@link PluginError}, also one thrown by another copy of this package (a plugin's own import). */
export function isPluginError(error: unknown): error is PluginError {
  return error instanceof PluginError || (error instanceof Error && error.name === 'PluginError' && typeof (error as Partial<PluginError>).problem === 'string' && typeof (error as Partial<PluginError>).fix === 'string');
}
