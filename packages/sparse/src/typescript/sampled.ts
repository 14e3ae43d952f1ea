// Sampled dense-dense product (SDDMM) over batch-inner rows: out[k] = Σ_b a[r, b] · c[idx[k], b] for every entry k
// of compressed row r. On CSR with a = Xᵀ and c = dYᵀ: dW(i, o) = Σ_b X[b, i] · dY[b, o] at the stored (i, o),
// the gradient RigL (Evci et al. 2020) and SET-style sparse training need, without forming Xᵀ·dY. SDDMM as in
// Nisa et al., "Sampled Dense Matrix Multiplication for High-Performance Machine Learning", HiPC 2018.

/** out[k] = Σ_b a[r · width + b] · c[idx[k] · width + b] (b < width) over `rows` compressed rows. */
export function sampledDots(rows: number, ptr: Int32Array, idx: Int32Array, a: Float32Array, c: Float32Array, out: Float32Array, width: number): void {
  for (let r = 0; r < rows; r++) {
    const x = r * width;
    const end = ptr[r + 1]!;
    let k = ptr[r]!;
    // four entries share each load of a's row
    for (; k + 4 <= end; k += 4) {
      const c0 = idx[k]! * width;
      const c1 = idx[k + 1]! * width;
      const c2 = idx[k + 2]! * width;
      const c3 = idx[k + 3]! * width;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let b = 0; b < width; b++) {
        const v = a[x + b]!;
        s0 += v * c[c0 + b]!;
        s1 += v * c[c1 + b]!;
        s2 += v * c[c2 + b]!;
        s3 += v * c[c3 + b]!;
      }
      out[k] = s0;
      out[k + 1] = s1;
      out[k + 2] = s2;
      out[k + 3] = s3;
    }
    for (; k < end; k++) {
      const c0 = idx[k]! * width;
      let s = 0;
      for (let b = 0; b < width; b++) s += a[x + b]! * c[c0 + b]!;
      out[k] = s;
    }
  }
}
