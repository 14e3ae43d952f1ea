/**
 * WGSL programs of the WebGPU mask selection: a most-significant-digit radix select over 64-bit ranks.
 *
 * Each candidate position i gets the rank (high, low): `high` is the score's IEEE-754 bits mapped to an
 * unsigned integer that orders as the float does (sign bit flipped for positives, all bits for negatives,
 * −0 read as +0), complemented for `drop` so that the lowest score ranks first; `low` is `0xffffffff − i`,
 * so that among equal scores the lower index ranks first. Ranks are distinct, so "the k largest ranks" is
 * one well-defined set, and it is the set the host quickselect picks.
 *
 * The threshold (the k-th largest rank) is found one 8-bit digit at a time, most significant first: a
 * histogram pass counts the candidates whose rank matches the digits found so far, per value of the next
 * digit; a one-thread scan pass picks the digit where the k-th rank lies and subtracts the counts above it.
 * When all remaining candidates of the chosen bucket are needed the threshold is complete early (its lower
 * digits stay 0) and later passes do no work. A last pass sets or clears every candidate whose rank is at
 * least the threshold. Nothing is sorted and nothing is read back to the host.
 *
 * Inputs are read through `f32(...)` because tfjs may keep a cast tensor's data in its source type (a
 * bool or int32 buffer behind a float32 tensor).
 *
 * The state between passes is an int32 vector [thresholdHigh, thresholdLow, stillNeeded, complete], the
 * two threshold words holding u32 bits.
 */
import type { WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';

/** Values of one radix digit. */
export const RADIX_BINS = 256;
/** Digit passes for a 64-bit rank. */
export const RADIX_PASSES = 8;
/** Invocations per workgroup of the histogram and apply passes. */
const WORKGROUP = 256;
/**
 * Elements a histogram or apply invocation handles before more workgroups are added. Large, because the
 * per-workgroup cost (clearing and flushing 256 bins, barriers) dominates on software adapters: for 10⁶
 * weights on SwiftShader 16 per invocation took ~800 ms per selection, 256 ~180 ms. On hardware a pass
 * stays bound by memory bandwidth either way.
 */
const ELEMENTS_PER_INVOCATION = 256;
/** Most workgroups a grid-stride pass dispatches (well below the 65535 per-dimension limit). */
const MAX_WORKGROUPS = 4096;

/** Workgroups for a grid-stride pass over `elements` positions. */
export function gridStrideWorkgroups(elements: number): number {
  return Math.max(1, Math.min(MAX_WORKGROUPS, Math.ceil(elements / (WORKGROUP * ELEMENTS_PER_INVOCATION))));
}

/** Candidate test and rank words shared by the histogram and apply passes (inputs `scores`, `maskIn`). */
const RANK_SNIPPET = `
  fn isCandidate(i : i32) -> bool {
    let on = f32(maskIn[i]) != 0.0;
    return select(!on, on, uniforms.dropMode == 1);
  }
  fn orderedBits(s : f32) -> u32 {
    var b = bitcast<u32>(s);
    if (b == 0x80000000u) { b = 0u; }
    if ((b & 0x80000000u) != 0u) { return ~b; }
    return b | 0x80000000u;
  }
  fn rankHigh(i : i32) -> u32 {
    let key = orderedBits(f32(scores[i]));
    return select(key, ~key, uniforms.dropMode == 1);
  }
  fn rankLow(i : i32) -> u32 {
    return 0xffffffffu - u32(i);
  }
`;

/** Counts candidates matching the threshold's known digits, per value of digit `digitPass` (atomic output [256]). */
export class RadixHistogramProgram implements WebGPUProgram {
  readonly outputShape = [RADIX_BINS];
  readonly shaderKey = 'topiaryRadixHistogram';
  readonly dispatchLayout = { x: [0] };
  readonly dispatch: [number, number, number];
  readonly variableNames = ['scores', 'maskIn', 'selectState'];
  readonly uniforms = 'elementCount : i32, digitPass : i32, dropMode : i32,';
  readonly workgroupSize: [number, number, number] = [WORKGROUP, 1, 1];
  readonly atomic = true;

  constructor(workgroups: number) {
    this.dispatch = [workgroups, 1, 1];
  }

  getUserCode(): string {
    return `
  ${RANK_SNIPPET}
  var<workgroup> localHist : array<atomic<u32>, ${RADIX_BINS}>;

  fn main(index : i32) {
    let lane = i32(localIndex);
    atomicStore(&localHist[lane], 0u);
    workgroupBarrier();
    let p = uniforms.digitPass;
    let thresholdHigh = bitcast<u32>(selectState[0]);
    let thresholdLow = bitcast<u32>(selectState[1]);
    let limit = select(uniforms.elementCount, 0, selectState[3] != 0);
    let stride = i32(numWorkgroups.x) * ${WORKGROUP};
    var runDigit = 0u;
    var runLength = 0u;
    for (var i = index; i < limit; i = i + stride) {
      if (!isCandidate(i)) { continue; }
      let high = rankHigh(i);
      var digit = 0u;
      if (p < 4) {
        let shift = u32(24 - 8 * p);
        if (p > 0 && (high >> (shift + 8u)) != (thresholdHigh >> (shift + 8u))) { continue; }
        digit = (high >> shift) & 0xffu;
      } else {
        if (high != thresholdHigh) { continue; }
        let low = rankLow(i);
        let shift = u32(24 - 8 * (p - 4));
        if (p > 4 && (low >> (shift + 8u)) != (thresholdLow >> (shift + 8u))) { continue; }
        digit = (low >> shift) & 0xffu;
      }
      // equal digits in a row are counted privately and added at once: scores cluster in few buckets
      if (digit != runDigit) {
        if (runLength > 0u) { atomicAdd(&localHist[runDigit], runLength); }
        runDigit = digit;
        runLength = 0u;
      }
      runLength = runLength + 1u;
    }
    if (runLength > 0u) { atomicAdd(&localHist[runDigit], runLength); }
    workgroupBarrier();
    let count = atomicLoad(&localHist[lane]);
    if (count > 0u) { atomicAdd(&result[lane], i32(count)); }
  }
`;
  }
}

/** Picks the digit of pass `digitPass` holding the still-needed rank and updates the state (one invocation). */
export class RadixScanProgram implements WebGPUProgram {
  readonly outputShape = [4];
  readonly shaderKey = 'topiaryRadixScan';
  readonly dispatchLayout = { x: [0] };
  readonly dispatch: [number, number, number] = [1, 1, 1];
  readonly variableNames = ['hist', 'selectState'];
  readonly uniforms = 'digitPass : i32,';
  readonly workgroupSize: [number, number, number] = [1, 1, 1];

  getUserCode(): string {
    return `
  fn main(index : i32) {
    if (index != 0) { return; }
    if (selectState[3] != 0) {
      result[0] = selectState[0];
      result[1] = selectState[1];
      result[2] = selectState[2];
      result[3] = selectState[3];
      return;
    }
    let needed = selectState[2];
    var above = 0;
    var digit = 0;
    for (var d = ${RADIX_BINS - 1}; d >= 0; d = d - 1) {
      let count = hist[d];
      if (above + count >= needed) { digit = d; break; }
      above = above + count;
    }
    var high = bitcast<u32>(selectState[0]);
    var low = bitcast<u32>(selectState[1]);
    let p = uniforms.digitPass;
    if (p < 4) {
      high = high | (u32(digit) << u32(24 - 8 * p));
    } else {
      low = low | (u32(digit) << u32(24 - 8 * (p - 4)));
    }
    let stillNeeded = needed - above;
    result[0] = bitcast<i32>(high);
    result[1] = bitcast<i32>(low);
    result[2] = stillNeeded;
    result[3] = select(0, 1, stillNeeded == hist[digit]);
  }
`;
  }
}

/** Writes the new mask: candidates ranked at or above the threshold are cleared (`drop`) or set (`grow`). */
export class RadixApplyProgram implements WebGPUProgram {
  readonly outputShape: number[];
  readonly shaderKey = 'topiaryRadixApply';
  readonly dispatchLayout = { x: [0] };
  readonly dispatch: [number, number, number];
  readonly variableNames = ['scores', 'maskIn', 'selectState'];
  readonly uniforms = 'elementCount : i32, dropMode : i32,';
  readonly workgroupSize: [number, number, number] = [WORKGROUP, 1, 1];

  constructor(elements: number, workgroups: number) {
    this.outputShape = [elements];
    this.dispatch = [workgroups, 1, 1];
  }

  getUserCode(): string {
    return `
  ${RANK_SNIPPET}

  fn main(index : i32) {
    let thresholdHigh = bitcast<u32>(selectState[0]);
    let thresholdLow = bitcast<u32>(selectState[1]);
    let changed = select(1.0, 0.0, uniforms.dropMode == 1);
    let stride = i32(numWorkgroups.x) * ${WORKGROUP};
    for (var i = index; i < uniforms.elementCount; i = i + stride) {
      var value = f32(maskIn[i]);
      if (isCandidate(i)) {
        let high = rankHigh(i);
        if (high > thresholdHigh || (high == thresholdHigh && rankLow(i) >= thresholdLow)) {
          value = changed;
        }
      }
      result[i] = value;
    }
  }
`;
  }
}
