/** A data file is missing, truncated, corrupt or fails its checksum; the message says what was expected and how to fix it. */
export class DatasetError extends Error {
  /** The file (or URL) the problem is about. */
  readonly file: string;

  /** Creates an error about `file`: `problem` says what is wrong, `hint` how to get a good copy. */
  constructor(file: string, problem: string, hint: string, options?: { cause?: unknown }) {
    super(`${file}: ${problem}. ${hint}`, options);
    this.name = 'DatasetError';
    this.file = file;
  }
}
