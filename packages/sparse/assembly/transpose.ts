// Layout changes between tfjs's row-major [batch, n] and the kernels' batch-inner [n, width] (width = batch
// rounded up to a multiple of 4, the padding zero). Blocks of 4 batch rows × 4 columns are transposed in
// registers (four loads, eight shuffles, four stores); the ragged edges go one float at a time. Tiles of 16
// columns keep the strided side in a few cache lines.

const TILE = 16;

/** Transposes the 4 × 4 block whose rows start at r0 … r3 into c0 … c3 (c_j = lane j of every row). */
@inline function store4x4(r0: v128, r1: v128, r2: v128, r3: v128, d0: usize, d1: usize, d2: usize, d3: usize): void {
  const t0 = v128.shuffle<f32>(r0, r1, 0, 4, 1, 5);
  const t1 = v128.shuffle<f32>(r2, r3, 0, 4, 1, 5);
  const t2 = v128.shuffle<f32>(r0, r1, 2, 6, 3, 7);
  const t3 = v128.shuffle<f32>(r2, r3, 2, 6, 3, 7);
  v128.store(d0, v128.shuffle<f32>(t0, t1, 0, 1, 4, 5));
  v128.store(d1, v128.shuffle<f32>(t0, t1, 2, 3, 6, 7));
  v128.store(d2, v128.shuffle<f32>(t2, t3, 0, 1, 4, 5));
  v128.store(d3, v128.shuffle<f32>(t2, t3, 2, 3, 6, 7));
}

/** dst[j, b] = src[b, j] for b < batch, j < n; dst[j, b] = 0 for batch ≤ b < width. */
export function toBatchInner(src: usize, dst: usize, batch: i32, n: i32, width: i32): void {
  const rowBytes = <usize>width << 2;
  const srcRow = <usize>n << 2;
  const batch4 = batch & ~3;
  for (let j0 = 0; j0 < n; j0 += TILE) {
    const j1 = min(n, j0 + TILE);
    const j4 = j0 + ((j1 - j0) & ~3);
    for (let b = 0; b < batch4; b += 4) {
      const s = src + <usize>b * srcRow;
      for (let j = j0; j < j4; j += 4) {
        const p = s + (<usize>j << 2);
        const d = dst + <usize>j * rowBytes + (<usize>b << 2);
        store4x4(v128.load(p), v128.load(p + srcRow), v128.load(p + 2 * srcRow), v128.load(p + 3 * srcRow), d, d + rowBytes, d + 2 * rowBytes, d + 3 * rowBytes);
      }
      for (let j = j4; j < j1; j++) {
        for (let bb = b; bb < b + 4; bb++) store<f32>(dst + <usize>j * rowBytes + (<usize>bb << 2), load<f32>(src + <usize>bb * srcRow + (<usize>j << 2)));
      }
    }
    for (let j = j0; j < j1; j++) {
      for (let b = batch4; b < batch; b++) store<f32>(dst + <usize>j * rowBytes + (<usize>b << 2), load<f32>(src + <usize>b * srcRow + (<usize>j << 2)));
      for (let b = batch; b < width; b++) store<f32>(dst + <usize>j * rowBytes + (<usize>b << 2), 0);
    }
  }
}

/**
 * dst[b, j] = src[j, b] for b < batch, j < n (src rows are `width` floats). Four batch rows at a time across
 * every column: the four destination rows are written front to back, and the source column block (16 bytes of
 * each of n rows) stays in cache for the next four.
 */
export function fromBatchInner(src: usize, dst: usize, batch: i32, n: i32, width: i32): void {
  const rowBytes = <usize>width << 2;
  const dstRow = <usize>n << 2;
  const batch4 = batch & ~3;
  const n4 = n & ~3;
  for (let b = 0; b < batch4; b += 4) {
    const d = dst + <usize>b * dstRow;
    for (let j = 0; j < n4; j += 4) {
      const p = src + <usize>j * rowBytes + (<usize>b << 2);
      const q = d + (<usize>j << 2);
      store4x4(v128.load(p), v128.load(p + rowBytes), v128.load(p + 2 * rowBytes), v128.load(p + 3 * rowBytes), q, q + dstRow, q + 2 * dstRow, q + 3 * dstRow);
    }
    for (let j = n4; j < n; j++) {
      for (let bb = b; bb < b + 4; bb++) store<f32>(dst + <usize>bb * dstRow + (<usize>j << 2), load<f32>(src + <usize>j * rowBytes + (<usize>bb << 2)));
    }
  }
  for (let b = batch4; b < batch; b++) {
    for (let j = 0; j < n; j++) store<f32>(dst + <usize>b * dstRow + (<usize>j << 2), load<f32>(src + <usize>j * rowBytes + (<usize>b << 2)));
  }
}
