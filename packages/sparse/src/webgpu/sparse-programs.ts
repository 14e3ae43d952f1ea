/**
 * WGSL programs of the sparse products, run through tfjs-backend-webgpu's program mechanism (`runWebGPUProgram`)
 * on tensors that stay on the device. Every invocation writes one output element and sums in a fixed order, so no
 * atomics are needed (WGSL has no float atomics): the forward product gathers along the CSC columns, dX along the
 * CSR rows, the sampled gradient over the batch. Each sum runs in the order the TypeScript products use (rows
 * ascending for Y, columns ascending for dX, batch ascending for dW), so results differ from them by rounding only.
 *
 * Shapes come from tfjs's uniforms (`xShape`, `outShape`, ...), so one compiled pipeline serves every layer size.
 * Float inputs are read through `f32(...)` because tfjs may keep a tensor's data in its source type.
 */
import type { WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';

/** Invocations per workgroup of the product programs. */
const WORKGROUP = 64;

/** Workgroups for one invocation per output element (tfjs spreads counts above the per-dimension limit over y and z). */
function flatDispatch(elements: number): [number, number, number] {
  return [Math.max(1, Math.ceil(elements / WORKGROUP)), 1, 1];
}

/** The fields every program here shares: a flat dispatch over the output with a bounds check on `uniforms.size`. */
abstract class FlatProgram implements WebGPUProgram {
  readonly outputShape: number[];
  abstract readonly shaderKey: string;
  abstract readonly variableNames: string[];
  readonly dispatchLayout: { x: number[] };
  readonly dispatch: [number, number, number];
  readonly workgroupSize: [number, number, number] = [WORKGROUP, 1, 1];
  readonly size = true;

  constructor(outputShape: number[]) {
    this.outputShape = outputShape;
    this.dispatchLayout = { x: outputShape.map((_, d) => d) };
    this.dispatch = flatDispatch(outputShape.reduce((a, b) => a * b, 1));
  }

  abstract getUserCode(): string;
}

/** Y[b, o] = Σ_k X[b, cscRows[k]] · values[cscEntries[k]] over column o's CSC entries: output [batch, outputs]. */
export class SparseForwardProgram extends FlatProgram {
  readonly shaderKey = 'topiarySparseForward';
  readonly variableNames = ['x', 'weights', 'columnPointers', 'cscRows', 'cscEntries'];

  getUserCode(): string {
    return `
  fn main(index : i32) {
    if (index >= uniforms.size) { return; }
    let outputs = uniforms.outShape[1];
    let b = index / outputs;
    let o = index - b * outputs;
    let base = b * uniforms.xShape[1];
    var sum = 0.0;
    let end = columnPointers[o + 1];
    for (var k = columnPointers[o]; k < end; k = k + 1) {
      sum = sum + f32(x[base + cscRows[k]]) * f32(weights[cscEntries[k]]);
    }
    result[index] = sum;
  }
`;
  }
}

/** dX[b, i] = Σ_k dY[b, columnIndices[k]] · values[k] over row i's CSR entries: output [batch, inputs]. */
export class SparseBackwardInputProgram extends FlatProgram {
  readonly shaderKey = 'topiarySparseBackwardInput';
  readonly variableNames = ['dy', 'weights', 'rowPointers', 'columnIndices'];

  getUserCode(): string {
    return `
  fn main(index : i32) {
    if (index >= uniforms.size) { return; }
    let inputs = uniforms.outShape[1];
    let b = index / inputs;
    let i = index - b * inputs;
    let base = b * uniforms.dyShape[1];
    var sum = 0.0;
    let end = rowPointers[i + 1];
    for (var k = rowPointers[i]; k < end; k = k + 1) {
      sum = sum + f32(dy[base + columnIndices[k]]) * f32(weights[k]);
    }
    result[index] = sum;
  }
`;
  }
}

/** dW[k] = Σ_b X[b, entryRows[k]] · dY[b, columnIndices[k]], one invocation per stored entry: output [nnz]. */
export class SampledGradientProgram extends FlatProgram {
  readonly shaderKey = 'topiarySampledGradient';
  readonly variableNames = ['x', 'dy', 'entryRows', 'columnIndices'];

  getUserCode(): string {
    return `
  fn main(index : i32) {
    if (index >= uniforms.size) { return; }
    let inputs = uniforms.xShape[1];
    let outputs = uniforms.dyShape[1];
    let i = entryRows[index];
    let o = columnIndices[index];
    var sum = 0.0;
    for (var b = 0; b < uniforms.xShape[0]; b = b + 1) {
      sum = sum + f32(x[b * inputs + i]) * f32(dy[b * outputs + o]);
    }
    result[index] = sum;
  }
`;
  }
}

/**
 * The growth scores of one tile of the dense gradient: |g| where the position is inactive after the drop, −1 where
 * it is active (stored and not dropped), so that a top-k of the tile never picks an active position (scores are
 * ≥ 0 or not finite). The tile holds rows [rowOffset, rowOffset + rows) of ∂L/∂W; a position's entry is found by
 * binary search in its row's ascending CSR columns. Output: the tile's rows · outputs scores, flat.
 */
export class GrowCandidatesProgram extends FlatProgram {
  readonly shaderKey = 'topiaryGrowCandidates';
  readonly variableNames = ['tile', 'rowPointers', 'columnIndices', 'dropped'];
  readonly uniforms = 'rowOffset : i32,';

  getUserCode(): string {
    return `
  fn main(index : i32) {
    if (index >= uniforms.size) { return; }
    let outputs = uniforms.tileShape[1];
    let r = index / outputs;
    let o = index - r * outputs;
    let i = uniforms.rowOffset + r;
    var lo = rowPointers[i];
    var hi = rowPointers[i + 1];
    while (lo < hi) {
      let mid = (lo + hi) / 2;
      if (columnIndices[mid] < o) { lo = mid + 1; } else { hi = mid; }
    }
    let isActive = lo < rowPointers[i + 1] && columnIndices[lo] == o && dropped[lo] == 0;
    result[index] = select(abs(f32(tile[index])), -1.0, isActive);
  }
`;
  }
}
