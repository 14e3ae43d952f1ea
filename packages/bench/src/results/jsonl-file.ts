import { closeSync, fstatSync, fsyncSync, ftruncateSync, openSync, readSync, writeSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/** What {@link readJsonLines} found in a file. */
export interface JsonLines {
  /** The parsed lines, in file order. */
  readonly values: unknown[];
  /** Whether the file ended in an incomplete line (a writer killed mid-line), which was skipped. */
  readonly truncatedTail: boolean;
}

/**
 * Reads a JSON-lines file. A last line without its newline that does not parse is skipped and reported as
 * `truncatedTail`; a bad line anywhere else is corruption and throws with the file and line number.
 * A missing file reads as empty.
 */
export async function readJsonLines(file: string): Promise<JsonLines> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { values: [], truncatedTail: false };
    throw error;
  }
  const lines = text.split('\n');
  const last = lines.pop() ?? '';
  const values: unknown[] = [];
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    try {
      values.push(JSON.parse(line));
    } catch (error) {
      throw new SyntaxError(`${file}:${i + 1}: not a JSON line (${(error as Error).message})`);
    }
  });
  let truncatedTail = false;
  if (last.trim() !== '') {
    try {
      values.push(JSON.parse(last));
    } catch {
      truncatedTail = true;
    }
  }
  return { values, truncatedTail };
}

/**
 * An append-only JSON-lines file that survives being killed: each value is written as one complete line in a
 * single `write` on a file opened for appending, then flushed to disk with `fsync`. Opening it cuts off an
 * incomplete last line left by an earlier writer, so new lines never join a broken one.
 */
export class JsonLinesAppender {
  private fd: number | undefined;

  private constructor(
    /** The file appended to. */
    readonly file: string,
    fd: number,
  ) {
    this.fd = fd;
  }

  /** Opens (creating folders and the file if needed) and repairs an incomplete last line. */
  static async open(file: string): Promise<JsonLinesAppender> {
    await mkdir(dirname(file), { recursive: true });
    const fd = openSync(file, 'a+');
    try {
      cutIncompleteTail(fd);
    } catch (error) {
      closeSync(fd);
      throw error;
    }
    return new JsonLinesAppender(file, fd);
  }

  /** Appends one value as one line and waits for it to reach the disk. */
  append(value: unknown): void {
    if (this.fd === undefined) throw new Error(`${this.file} is closed`);
    const line = `${JSON.stringify(value)}\n`;
    if (line.indexOf('\n') !== line.length - 1) throw new Error('a JSON line cannot contain a raw newline');
    const bytes = Buffer.from(line, 'utf8');
    const written = writeSync(this.fd, bytes, 0, bytes.length);
    if (written !== bytes.length) throw new Error(`${this.file}: short write (${written} of ${bytes.length} bytes)`);
    fsyncSync(this.fd);
  }

  /** Closes the file; further appends throw. */
  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

/**
 * Makes the file end with a newline: an unterminated last line that parses as JSON gets its newline,
 * one that does not (a writer killed mid-line) is cut off.
 */
function cutIncompleteTail(fd: number): void {
  const size = fstatSync(fd).size;
  if (size === 0) return;
  const chunk = Buffer.alloc(Math.min(size, 1 << 16));
  let end = size;
  let tailStart = 0;
  while (end > 0) {
    const start = Math.max(0, end - chunk.length);
    const read = readSync(fd, chunk, 0, end - start, start);
    const newline = chunk.subarray(0, read).lastIndexOf(0x0a);
    if (end === size && newline === read - 1) return;
    if (newline >= 0) {
      tailStart = start + newline + 1;
      break;
    }
    end = start;
  }
  const tail = Buffer.alloc(size - tailStart);
  readSync(fd, tail, 0, tail.length, tailStart);
  try {
    JSON.parse(tail.toString('utf8'));
    writeSync(fd, '\n');
  } catch {
    ftruncateSync(fd, tailStart);
  }
  fsyncSync(fd);
}
