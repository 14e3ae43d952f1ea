// Layout changes between tfjs's row-major [batch, n] and the batch-inner [n, width] the gather kernels read
// (width ≥ batch; columns past batch are zero). Tiles of 16 columns keep the strided side in a few cache lines.

const TILE = 16;

/** dst[j · width + b] = src[b · n + j] for b < batch, j < n; zero for batch ≤ b < width. */
export function toBatchInner(src: Float32Array, dst: Float32Array, batch: number, n: number, width: number): void {
  for (let j0 = 0; j0 < n; j0 += TILE) {
    const j1 = Math.min(n, j0 + TILE);
    for (let b = 0; b < batch; b++) {
      const s = b * n;
      for (let j = j0; j < j1; j++) dst[j * width + b] = src[s + j]!;
    }
  }
  if (width > batch) for (let j = 0; j < n; j++) dst.fill(0, j * width + batch, (j + 1) * width);
}

/** dst[b · n + j] = src[j · width + b] for b < batch, j < n. */
export function fromBatchInner(src: Float32Array, dst: Float32Array, batch: number, n: number, width: number): void {
  for (let j0 = 0; j0 < n; j0 += TILE) {
    const j1 = Math.min(n, j0 + TILE);
    for (let b = 0; b < batch; b++) {
      const d = b * n;
      for (let j = j0; j < j1; j++) dst[d + j] = src[j * width + b]!;
    }
  }
}
