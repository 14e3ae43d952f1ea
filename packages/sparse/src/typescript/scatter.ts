// Scatter over batch-inner rows (the outer-product form of a sparse × dense product on transposed operands):
//   dst[idx[k], :] += values[k] · src[r, :]   for every entry k of compressed row r
// The forward product on CSR (r = input i, idx = output o): Yᵀ[o, :] += W(i, o) · Xᵀ[i, :]  (Y = X·W).

/** dst = 0 (`dstRows` rows of `width`), then dst[idx[k], :] += values[k] · src[r, :] over `rows` compressed rows. */
export function scatterRows(rows: number, ptr: Int32Array, idx: Int32Array, values: Float32Array, src: Float32Array, dst: Float32Array, width: number, dstRows: number): void {
  dst.fill(0, 0, dstRows * width);
  for (let r = 0; r < rows; r++) {
    const s = r * width;
    const end = ptr[r + 1]!;
    let k = ptr[r]!;
    for (; k + 4 <= end; k += 4) {
      const w0 = values[k]!;
      const w1 = values[k + 1]!;
      const w2 = values[k + 2]!;
      const w3 = values[k + 3]!;
      const d0 = idx[k]! * width;
      const d1 = idx[k + 1]! * width;
      const d2 = idx[k + 2]! * width;
      const d3 = idx[k + 3]! * width;
      for (let b = 0; b < width; b++) {
        const v = src[s + b]!;
        dst[d0 + b]! += w0 * v;
        dst[d1 + b]! += w1 * v;
        dst[d2 + b]! += w2 * v;
        dst[d3 + b]! += w3 * v;
      }
    }
    for (; k < end; k++) {
      const w = values[k]!;
      const d = idx[k]! * width;
      for (let b = 0; b < width; b++) dst[d + b]! += w * src[s + b]!;
    }
  }
}
