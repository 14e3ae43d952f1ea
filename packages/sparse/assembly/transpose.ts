// Layout changes between tfjs's row-major [batch, n] and the kernels' batch-inner [n, width] (width = batch
// rounded up to a multiple of 4, the padding zero). Tiles of 16 columns keep the strided side in a few cache lines.

const TILE = 16;

/** dst[j, b] = src[b, j] for b < batch, j < n; dst[j, b] = 0 for batch ≤ b < width. */
export function toBatchInner(src: usize, dst: usize, batch: i32, n: i32, width: i32): void {
  const rowBytes = <usize>width << 2;
  for (let j0 = 0; j0 < n; j0 += TILE) {
    const j1 = min(n, j0 + TILE);
    for (let b = 0; b < batch; b++) {
      const s = src + (<usize>b * <usize>n << 2);
      for (let j = j0; j < j1; j++) store<f32>(dst + <usize>j * rowBytes + (<usize>b << 2), load<f32>(s + (<usize>j << 2)));
    }
    for (let j = j0; j < j1; j++) {
      for (let b = batch; b < width; b++) store<f32>(dst + <usize>j * rowBytes + (<usize>b << 2), 0);
    }
  }
}

/** dst[b, j] = src[j, b] for b < batch, j < n (src rows are `width` floats). */
export function fromBatchInner(src: usize, dst: usize, batch: i32, n: i32, width: i32): void {
  const rowBytes = <usize>width << 2;
  for (let j0 = 0; j0 < n; j0 += TILE) {
    const j1 = min(n, j0 + TILE);
    for (let b = 0; b < batch; b++) {
      const d = dst + (<usize>b * <usize>n << 2);
      for (let j = j0; j < j1; j++) store<f32>(d + (<usize>j << 2), load<f32>(src + <usize>j * rowBytes + (<usize>b << 2)));
    }
  }
}
