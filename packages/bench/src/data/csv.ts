import { DatasetError } from './dataset-error.js';

/** A numeric CSV table split into features and labels. */
export interface CsvTable {
  /** Feature values, rows × (columns − 1), row-major. */
  readonly features: Float32Array;
  /** The label column's values, one per row. */
  readonly labels: Float64Array;
  /** Data rows (the header excluded). */
  readonly rows: number;
  /** Feature columns per row. */
  readonly columns: number;
  /** The header's feature column names, when the file has a header. */
  readonly header?: readonly string[];
}

const CSV_HINT = 'Write one example per line: numeric feature columns and an integer class label column, comma-separated, optionally a header line first.';

/**
 * Parses a numeric CSV file: comma-separated, an optional header line (detected when a cell of the first line is
 * not a number), one example per line. `labelColumn` is a header name or a 0-based index; by default the column
 * named `label`, else the first. Every other column is a feature. `source` names the file in errors.
 */
export function parseCsv(text: string, source: string, labelColumn?: string | number): CsvTable {
  const lines = text.split(/\r?\n/).filter((line) => line.trim().length > 0);
  if (lines.length === 0) throw new DatasetError(source, 'the CSV file is empty', CSV_HINT);
  const split = (line: string): string[] => line.split(',').map((cell) => cell.trim().replace(/^"(.*)"$/, '$1'));
  const first = split(lines[0]!);
  const hasHeader = first.some((cell) => cell === '' || !Number.isFinite(Number(cell)));
  const header = hasHeader ? first : undefined;
  const width = first.length;
  let label: number;
  if (typeof labelColumn === 'number') {
    label = labelColumn;
  } else if (labelColumn !== undefined) {
    label = header?.indexOf(labelColumn) ?? -1;
    if (label < 0) {
      throw new DatasetError(
        source,
        header ? `has no column named ${JSON.stringify(labelColumn)} (columns: ${header.slice(0, 10).join(', ')}${header.length > 10 ? ', …' : ''})` : `has no header line, so labelColumn ${JSON.stringify(labelColumn)} cannot be found`,
        'Set data.labelColumn to a column name of the header or a 0-based column index.',
      );
    }
  } else {
    label = Math.max(header?.indexOf('label') ?? 0, 0);
  }
  if (!Number.isInteger(label) || label < 0 || label >= width) {
    throw new DatasetError(source, `labelColumn ${label} is outside the ${width} columns`, 'Set data.labelColumn to a 0-based index below the number of columns.');
  }
  if (width < 2) throw new DatasetError(source, `has ${width} column, expected at least one feature column and a label column`, CSV_HINT);
  const body = hasHeader ? lines.slice(1) : lines;
  const rows = body.length;
  const columns = width - 1;
  const features = new Float32Array(rows * columns);
  const labels = new Float64Array(rows);
  body.forEach((line, r) => {
    const cells = split(line);
    const lineNumber = r + (hasHeader ? 2 : 1);
    if (cells.length !== width) {
      throw new DatasetError(source, `line ${lineNumber} has ${cells.length} columns, expected ${width} as on line 1`, CSV_HINT);
    }
    let f = r * columns;
    for (let c = 0; c < width; c++) {
      const value = Number(cells[c]);
      if (cells[c] === '' || !Number.isFinite(value)) {
        throw new DatasetError(source, `line ${lineNumber}, column ${c + 1}: ${JSON.stringify(cells[c])} is not a finite number`, CSV_HINT);
      }
      if (c === label) labels[r] = value;
      else features[f++] = value;
    }
  });
  return { features, labels, rows, columns, ...(header ? { header: header.filter((_, c) => c !== label) } : {}) };
}
