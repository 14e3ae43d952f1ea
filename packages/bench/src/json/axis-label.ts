import { canonicalJson } from './canonical-json.js';
import type { JsonValue } from './dotted-path.js';

/** How a run shows one axis in tables: the value itself when it is a primitive, otherwise a label. */
export type AxisLabel = string | number | boolean | null;

/** The table label of a JSON value: primitives as they are, objects and arrays as canonical JSON. */
export function labelOf(value: JsonValue): AxisLabel {
  return value === null || typeof value !== 'object' ? value : canonicalJson(value);
}
