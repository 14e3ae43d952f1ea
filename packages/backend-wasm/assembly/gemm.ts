// C = act(op(A) · op(B) + bias) for one column panel of 8 columns at a time: the B panel is packed (contiguous
// in k, zero-padded past N) and a 4 × 8 register tile of C is accumulated with f32x4 multiply-adds, reading A
// through two strides, so A needs no copy whatever its layout (plain or transposed).
import {
  ACT_LEAKY_RELU, ACT_RELU, ACT_RELU6, P_A, P_A_COL, P_A_ROW, P_ACTIVATION, P_ALPHA, P_B, P_B_COL, P_B_ROW,
  P_BATCH_TABLE, P_BIAS, P_C, P_K, P_K_CHUNK, P_K_CHUNKS, P_M, P_N, P_PACK, P_PACK_STRIDE, P_PANELS, P_PARTIALS,
  P_ROW_BLOCK, P_TASKS, PARAMS, SCRATCH,
} from './layout';

/** Columns per panel: two f32x4 vectors. */
const NR: i32 = 8;
/** Rows per register tile. */
const MR: i32 = 4;

@inline function param(slot: i32): i32 {
  return load<i32>(PARAMS + (<usize>slot << 2));
}

/** Copies B[k, j0 .. j0 + 8) for every k into `pack`, zeros past column `valid`. */
function packPanel(pack: usize, b: usize, k: i32, rowStride: i32, colStride: i32, j0: i32, valid: i32): void {
  const rowBytes = <usize>rowStride << 2;
  if (colStride == 1 && valid == NR) {
    let src = b + (<usize>j0 << 2);
    let dst = pack;
    for (let kk = 0; kk < k; kk++) {
      v128.store(dst, v128.load(src));
      v128.store(dst, v128.load(src, 16), 16);
      src += rowBytes;
      dst += 32;
    }
    return;
  }
  const colBytes = <usize>colStride << 2;
  for (let jj = 0; jj < NR; jj++) {
    let dst = pack + (<usize>jj << 2);
    if (jj >= valid) {
      for (let kk = 0; kk < k; kk++) {
        store<f32>(dst, 0);
        dst += 32;
      }
      continue;
    }
    let src = b + <usize>(j0 + jj) * colBytes;
    for (let kk = 0; kk < k; kk++) {
      store<f32>(dst, load<f32>(src));
      src += rowBytes;
      dst += 32;
    }
  }
}

@inline function activate(x: v128, activation: i32, alpha: v128): v128 {
  if (activation == ACT_RELU) return f32x4.max(x, f32x4.splat(0));
  if (activation == ACT_RELU6) return f32x4.min(f32x4.max(x, f32x4.splat(0)), f32x4.splat(6));
  if (activation == ACT_LEAKY_RELU) return v128.bitselect(f32x4.mul(x, alpha), x, f32x4.lt(x, f32x4.splat(0)));
  return x;
}

/** Writes one row of a tile: all 8 columns, or the first `valid` through the thread's scratch. */
@inline function storeRow(dst: usize, lo: v128, hi: v128, valid: i32, scratch: usize): void {
  if (valid == NR) {
    v128.store(dst, lo);
    v128.store(dst, hi, 16);
    return;
  }
  v128.store(scratch, lo);
  v128.store(scratch, hi, 16);
  for (let j = 0; j < valid; j++) store<f32>(dst + (<usize>j << 2), load<f32>(scratch + (<usize>j << 2)));
}

/**
 * One gemm task: row block `q % rowBlocks` of column panel `p % panels` of output batch `p / panels`, where
 * q = task / chunks and p = q / rowBlocks, over the inner range of chunk `task % chunks` (the whole inner
 * dimension when the product is not split). Consecutive tasks take consecutive row blocks of one panel, so
 * threads working side by side write different rows of C, never the same cache lines.
 */
export function gemmTask(task: i32, thread: i32): void {
  const m = param(P_M);
  const n = param(P_N);
  const chunks = param(P_K_CHUNKS);
  const chunk = task % chunks;
  const blockRows = param(P_ROW_BLOCK);
  const rowBlocks = (m + blockRows - 1) / blockRows;
  const rowTask = task / chunks;
  const rowBlock = rowTask % rowBlocks;
  const outer = rowTask / rowBlocks;
  const r0 = rowBlock * blockRows;
  const r1 = min(m, r0 + blockRows);
  const panels = param(P_PANELS);
  const batch = outer / panels;
  const panel = outer - batch * panels;
  const j0 = panel * NR;
  const valid = min(NR, n - j0);
  const aRowBytes = <usize>param(P_A_ROW) << 2;
  const aColBytes = <usize>param(P_A_COL) << 2;
  const kAll = param(P_K);
  const k0 = chunks == 1 ? 0 : chunk * param(P_K_CHUNK);
  const k = chunks == 1 ? kAll : min(kAll, k0 + param(P_K_CHUNK)) - k0;
  const table = <usize>param(P_BATCH_TABLE) + (<usize>batch << 3);
  const a = <usize>param(P_A) + <usize>load<i32>(table) + <usize>k0 * aColBytes;
  const b = <usize>param(P_B) + <usize>load<i32>(table, 4) + (<usize>k0 * <usize>param(P_B_ROW) << 2);
  const batches = param(P_TASKS) / (panels * chunks * rowBlocks);
  const outputBytes = <usize>batches * <usize>m * <usize>n << 2;
  const base = chunks == 1 ? <usize>param(P_C) : <usize>param(P_PARTIALS) + <usize>chunk * outputBytes;
  const c = base + (<usize>batch * <usize>m * <usize>n << 2);
  const pack = <usize>param(P_PACK) + <usize>thread * <usize>param(P_PACK_STRIDE);
  const scratch = SCRATCH + (<usize>thread << 6);
  packPanel(pack, b, k, param(P_B_ROW), param(P_B_COL), j0, valid);

  const biasPtr = <usize>param(P_BIAS);
  let bias0 = f32x4.splat(0);
  let bias1 = f32x4.splat(0);
  if (biasPtr != 0) {
    store<v128>(scratch, bias0);
    store<v128>(scratch, bias1, 16);
    for (let j = 0; j < valid; j++) store<f32>(scratch + (<usize>j << 2), load<f32>(biasPtr + (<usize>(j0 + j) << 2)));
    bias0 = v128.load(scratch);
    bias1 = v128.load(scratch, 16);
  }
  const activation = param(P_ACTIVATION);
  const alpha = f32x4.splat(reinterpret<f32>(param(P_ALPHA)));
  const rowBytesC = <usize>n << 2;

  for (let i0 = r0; i0 < r1; i0 += MR) {
    // rows past M read the last row again; their results are not stored
    const last = m - 1;
    let p0 = a + <usize>min(i0, last) * aRowBytes;
    let p1 = a + <usize>min(i0 + 1, last) * aRowBytes;
    let p2 = a + <usize>min(i0 + 2, last) * aRowBytes;
    let p3 = a + <usize>min(i0 + 3, last) * aRowBytes;
    let c00 = bias0, c01 = bias1, c10 = bias0, c11 = bias1;
    let c20 = bias0, c21 = bias1, c30 = bias0, c31 = bias1;
    let pb = pack;
    for (let kk = 0; kk < k; kk++) {
      const b0 = v128.load(pb);
      const b1 = v128.load(pb, 16);
      const a0 = v128.load32_splat(p0);
      c00 = f32x4.add(c00, f32x4.mul(a0, b0));
      c01 = f32x4.add(c01, f32x4.mul(a0, b1));
      const a1 = v128.load32_splat(p1);
      c10 = f32x4.add(c10, f32x4.mul(a1, b0));
      c11 = f32x4.add(c11, f32x4.mul(a1, b1));
      const a2 = v128.load32_splat(p2);
      c20 = f32x4.add(c20, f32x4.mul(a2, b0));
      c21 = f32x4.add(c21, f32x4.mul(a2, b1));
      const a3 = v128.load32_splat(p3);
      c30 = f32x4.add(c30, f32x4.mul(a3, b0));
      c31 = f32x4.add(c31, f32x4.mul(a3, b1));
      p0 += aColBytes;
      p1 += aColBytes;
      p2 += aColBytes;
      p3 += aColBytes;
      pb += 32;
    }
    const rows = min(MR, r1 - i0);
    let dst = c + (<usize>i0 * rowBytesC) + (<usize>j0 << 2);
    storeRow(dst, activate(c00, activation, alpha), activate(c01, activation, alpha), valid, scratch);
    if (rows > 1) storeRow(dst + rowBytesC, activate(c10, activation, alpha), activate(c11, activation, alpha), valid, scratch);
    if (rows > 2) storeRow(dst + 2 * rowBytesC, activate(c20, activation, alpha), activate(c21, activation, alpha), valid, scratch);
    if (rows > 3) storeRow(dst + 3 * rowBytesC, activate(c30, activation, alpha), activate(c31, activation, alpha), valid, scratch);
  }
}
