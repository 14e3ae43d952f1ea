// Sampled dense-dense product (SDDMM) over batch-inner rows: out[k] = Σ_b a[r, b] · c[idx[k], b] for every stored
// entry k of compressed row r, i.e. (A·Cᵀ) at the stored positions only. Four entries of a row at a time share
// each load of a's row; the lanes are summed once per entry at the end. Rows are `width` floats, zero-padded.
// On CSR with a = Xᵀ, c = dYᵀ: dW(i, o) = Σ_b X[b, i] · dY[b, o] at the stored (i, o) (SDDMM: Nisa et al., HiPC 2018).

@inline function sum(v: v128): f32 {
  return f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + (f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3));
}

/** out[k] = dot(a[r, :], c[idx[k], :]) for the compressed rows r0 ≤ r < r1 of (ptr, idx). */
export function sampledBand(r0: i32, r1: i32, ptr: usize, idx: usize, a: usize, c: usize, out: usize, width: i32): void {
  const rowBytes = <usize>width << 2;
  const bytes = <usize>width << 2;
  for (let r = r0; r < r1; r++) {
    const k1 = load<i32>(ptr + (<usize>r << 2), 4);
    const x = a + <usize>r * rowBytes;
    let k = load<i32>(ptr + (<usize>r << 2));
    for (; k + 4 <= k1; k += 4) {
      const e = idx + (<usize>k << 2);
      const c0 = c + <usize>load<i32>(e) * rowBytes;
      const c1 = c + <usize>load<i32>(e, 4) * rowBytes;
      const c2 = c + <usize>load<i32>(e, 8) * rowBytes;
      const c3 = c + <usize>load<i32>(e, 12) * rowBytes;
      let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
      for (let o: usize = 0; o < bytes; o += 16) {
        const v = v128.load(x + o);
        a0 = f32x4.add(a0, f32x4.mul(v, v128.load(c0 + o)));
        a1 = f32x4.add(a1, f32x4.mul(v, v128.load(c1 + o)));
        a2 = f32x4.add(a2, f32x4.mul(v, v128.load(c2 + o)));
        a3 = f32x4.add(a3, f32x4.mul(v, v128.load(c3 + o)));
      }
      const dst = out + (<usize>k << 2);
      store<f32>(dst, sum(a0));
      store<f32>(dst, sum(a1), 4);
      store<f32>(dst, sum(a2), 8);
      store<f32>(dst, sum(a3), 12);
    }
    for (; k < k1; k++) {
      const c0 = c + <usize>load<i32>(idx + (<usize>k << 2)) * rowBytes;
      let a0 = f32x4.splat(0);
      for (let o: usize = 0; o < bytes; o += 16) a0 = f32x4.add(a0, f32x4.mul(v128.load(x + o), v128.load(c0 + o)));
      store<f32>(out + (<usize>k << 2), sum(a0));
    }
  }
}

/** out[k] = dot(a[r, :], c[idx[k], :]) for the `rows` compressed rows of (ptr, idx). */
export function sampledDots(rows: i32, ptr: usize, idx: usize, a: usize, c: usize, out: usize, width: i32): void {
  sampledBand(0, rows, ptr, idx, a, c, out, width);
}
