import { broadcast_util } from '@tensorflow/tfjs-core';

/** One matrix product as the kernels run it: C[b] = act(op(A)[b] · op(B)[b] + bias) for every output batch b. */
export interface MatMulPlan {
  /** Rows of op(A) and of C. */
  readonly m: number;
  /** Columns of op(B) and of C. */
  readonly n: number;
  /** The shared inner dimension. */
  readonly k: number;
  /** Output batches (the product of the broadcast outer dimensions). */
  readonly batches: number;
  /** The output's shape: broadcast outer dimensions, then [m, n]. */
  readonly outShape: number[];
  /** Per output batch, the index of the A matrix and of the B matrix it multiplies. */
  readonly batchPairs: Int32Array;
  /** Element strides of A[i, k] along i and along k, in A as stored. */
  readonly aStrides: readonly [row: number, col: number];
  /** Element strides of B[k, j] along k and along j, in B as stored. */
  readonly bStrides: readonly [row: number, col: number];
}

/**
 * Plans `matMul(a, b, transposeA, transposeB)` for shapes of rank ≥ 2 whose outer dimensions broadcast (NumPy
 * rules); returns why not when the kernels cannot run it, so the caller falls back to tfjs's own kernel.
 */
export function planMatMul(aShape: readonly number[], bShape: readonly number[], transposeA: boolean, transposeB: boolean): MatMulPlan | string {
  const aRank = aShape.length;
  const bRank = bShape.length;
  if (aRank < 2 || bRank < 2) return 'operands of rank < 2';
  const aRows = aShape[aRank - 2]!;
  const aCols = aShape[aRank - 1]!;
  const bRows = bShape[bRank - 2]!;
  const bCols = bShape[bRank - 1]!;
  const m = transposeA ? aCols : aRows;
  const k = transposeA ? aRows : aCols;
  const kB = transposeB ? bCols : bRows;
  const n = transposeB ? bRows : bCols;
  if (k !== kB) return `inner dimensions differ (${k} and ${kB})`;
  if (m === 0 || n === 0 || k === 0) return 'an empty dimension';
  const outerA = aShape.slice(0, -2);
  const outerB = bShape.slice(0, -2);
  let outer: number[];
  try {
    outer = broadcast_util.assertAndGetBroadcastShape(outerA, outerB);
  } catch {
    return `outer dimensions [${outerA.join(', ')}] and [${outerB.join(', ')}] do not broadcast`;
  }
  const batches = outer.reduce((p, d) => p * d, 1);
  if (batches === 0) return 'an empty batch';
  return {
    m,
    n,
    k,
    batches,
    outShape: [...outer, m, n],
    batchPairs: broadcastPairs(outer, outerA, outerB),
    aStrides: transposeA ? [1, m] : [k, 1],
    bStrides: transposeB ? [1, k] : [n, 1],
  };
}

/** For each index of `outer` (row-major), the row-major index into `a` and into `b` after right-aligned broadcasting. */
function broadcastPairs(outer: readonly number[], a: readonly number[], b: readonly number[]): Int32Array {
  const total = outer.reduce((p, d) => p * d, 1);
  const pairs = new Int32Array(total * 2);
  const rank = outer.length;
  const coord = new Array<number>(rank).fill(0);
  for (let index = 0; index < total; index++) {
    pairs[2 * index] = flatIndex(coord, a);
    pairs[2 * index + 1] = flatIndex(coord, b);
    for (let d = rank - 1; d >= 0; d--) {
      if (++coord[d]! < outer[d]!) break;
      coord[d] = 0;
    }
  }
  return pairs;
}

function flatIndex(coord: readonly number[], shape: readonly number[]): number {
  const offset = coord.length - shape.length;
  let index = 0;
  for (let d = 0; d < shape.length; d++) {
    const size = shape[d]!;
    index = index * size + (size === 1 ? 0 : coord[d + offset]!);
  }
  return index;
}
