/** A model file or module is missing, malformed or does not fit the data; the message says what was expected and the fix. */
export class ModelError extends Error {
  /** The file (or config field) the problem is about. */
  readonly file: string;

  /** Creates an error about `file`: `problem` says what is wrong, `fix` how to put it right. */
  constructor(file: string, problem: string, fix: string, options?: { cause?: unknown }) {
    super(`${file}: ${problem}. ${fix}`, options);
    this.name = 'ModelError';
    this.file = file;
  }
}
