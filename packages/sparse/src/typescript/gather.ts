// Gather over batch-inner rows (Gustavson's row-wise sparse × dense product, ACM TOMS 1978, on transposed operands):
//   dst[r, :] = Σ_{k ∈ [ptr[r], ptr[r + 1])} values[k] · src[idx[k], :]
// The input gradient on CSR (r = input i, idx = output o): dXᵀ[i, :] = Σ_o W(i, o) · dYᵀ[o, :]  (dX = dY·Wᵀ).
// Four entries at a time share each read-modify-write of the destination row.

/** dst[r, :] = Σ_k values[k] · src[idx[k], :] over `rows` compressed rows; rows of dst and src are `width` floats. */
export function gatherRows(rows: number, ptr: Int32Array, idx: Int32Array, values: Float32Array, src: Float32Array, dst: Float32Array, width: number): void {
  for (let r = 0; r < rows; r++) {
    const d = r * width;
    const end = ptr[r + 1]!;
    dst.fill(0, d, d + width);
    let k = ptr[r]!;
    for (; k + 4 <= end; k += 4) {
      const w0 = values[k]!;
      const w1 = values[k + 1]!;
      const w2 = values[k + 2]!;
      const w3 = values[k + 3]!;
      const s0 = idx[k]! * width;
      const s1 = idx[k + 1]! * width;
      const s2 = idx[k + 2]! * width;
      const s3 = idx[k + 3]! * width;
      for (let b = 0; b < width; b++) dst[d + b]! += w0 * src[s0 + b]! + w1 * src[s1 + b]! + w2 * src[s2 + b]! + w3 * src[s3 + b]!;
    }
    for (; k < end; k++) {
      const w = values[k]!;
      const s = idx[k]! * width;
      for (let b = 0; b < width; b++) dst[d + b]! += w * src[s + b]!;
    }
  }
}
