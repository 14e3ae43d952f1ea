// Scatter over batch-inner rows (the outer-product form of a sparse × dense product on transposed operands):
//   dst[idx[k], :] += values[k] · src[r, :]   for every entry k of compressed row r
// The forward product on CSR (r = input i, idx = output o): Yᵀ[o, :] += W(i, o) · Xᵀ[i, :] (Y = X·W). The source
// row stays in registers (8, 4 or 1 f32x4 vectors at a time); every stored entry costs a load, a multiply, an add and
// a store per vector, the destination rows (outputs · width floats) staying in cache.

@inline function scatter8(k0: i32, k1: i32, idx: usize, values: usize, s: usize, dst: usize, rowBytes: usize): void {
  const s0 = v128.load(s), s1 = v128.load(s, 16), s2 = v128.load(s, 32), s3 = v128.load(s, 48);
  const s4 = v128.load(s, 64), s5 = v128.load(s, 80), s6 = v128.load(s, 96), s7 = v128.load(s, 112);
  for (let k = k0; k < k1; k++) {
    const w = v128.load32_splat(values + (<usize>k << 2));
    const d = dst + <usize>load<i32>(idx + (<usize>k << 2)) * rowBytes;
    v128.store(d, f32x4.add(v128.load(d), f32x4.mul(w, s0)));
    v128.store(d, f32x4.add(v128.load(d, 16), f32x4.mul(w, s1)), 16);
    v128.store(d, f32x4.add(v128.load(d, 32), f32x4.mul(w, s2)), 32);
    v128.store(d, f32x4.add(v128.load(d, 48), f32x4.mul(w, s3)), 48);
    v128.store(d, f32x4.add(v128.load(d, 64), f32x4.mul(w, s4)), 64);
    v128.store(d, f32x4.add(v128.load(d, 80), f32x4.mul(w, s5)), 80);
    v128.store(d, f32x4.add(v128.load(d, 96), f32x4.mul(w, s6)), 96);
    v128.store(d, f32x4.add(v128.load(d, 112), f32x4.mul(w, s7)), 112);
  }
}

@inline function scatter4(k0: i32, k1: i32, idx: usize, values: usize, s: usize, dst: usize, rowBytes: usize): void {
  const s0 = v128.load(s), s1 = v128.load(s, 16), s2 = v128.load(s, 32), s3 = v128.load(s, 48);
  for (let k = k0; k < k1; k++) {
    const w = v128.load32_splat(values + (<usize>k << 2));
    const d = dst + <usize>load<i32>(idx + (<usize>k << 2)) * rowBytes;
    v128.store(d, f32x4.add(v128.load(d), f32x4.mul(w, s0)));
    v128.store(d, f32x4.add(v128.load(d, 16), f32x4.mul(w, s1)), 16);
    v128.store(d, f32x4.add(v128.load(d, 32), f32x4.mul(w, s2)), 32);
    v128.store(d, f32x4.add(v128.load(d, 48), f32x4.mul(w, s3)), 48);
  }
}

@inline function scatter1(k0: i32, k1: i32, idx: usize, values: usize, s: usize, dst: usize, rowBytes: usize): void {
  const s0 = v128.load(s);
  for (let k = k0; k < k1; k++) {
    const w = v128.load32_splat(values + (<usize>k << 2));
    const d = dst + <usize>load<i32>(idx + (<usize>k << 2)) * rowBytes;
    v128.store(d, f32x4.add(v128.load(d), f32x4.mul(w, s0)));
  }
}

/**
 * Lanes c0 ≤ c < c1 (multiples of 4) only: dst[:, c0 .. c1) = 0 (`dstRows` rows), then dst[idx[k], c0 .. c1) +=
 * values[k] · src[r, c0 .. c1) for the `rows` compressed rows of (ptr, idx, values).
 */
export function scatterLanes(rows: i32, ptr: usize, idx: usize, values: usize, src: usize, dst: usize, width: i32, dstRows: i32, c0: i32, c1: i32): void {
  const rowBytes = <usize>width << 2;
  if (c0 == 0 && c1 == width) memory.fill(dst, 0, <usize>dstRows * rowBytes);
  else {
    for (let o = 0; o < dstRows; o++) memory.fill(dst + <usize>o * rowBytes + (<usize>c0 << 2), 0, <usize>(c1 - c0) << 2);
  }
  for (let r = 0; r < rows; r++) {
    const k0 = load<i32>(ptr + (<usize>r << 2));
    const k1 = load<i32>(ptr + (<usize>r << 2), 4);
    const s = src + <usize>r * rowBytes;
    let c = c0;
    for (; c + 32 <= c1; c += 32) scatter8(k0, k1, idx, values, s + (<usize>c << 2), dst + (<usize>c << 2), rowBytes);
    for (; c + 16 <= c1; c += 16) scatter4(k0, k1, idx, values, s + (<usize>c << 2), dst + (<usize>c << 2), rowBytes);
    for (; c < c1; c += 4) scatter1(k0, k1, idx, values, s + (<usize>c << 2), dst + (<usize>c << 2), rowBytes);
  }
}

/** dst = 0 (`dstRows` rows), then dst[idx[k], :] += values[k] · src[r, :] for the `rows` compressed rows of (ptr, idx, values). */
export function scatterRows(rows: i32, ptr: usize, idx: usize, values: usize, src: usize, dst: usize, width: i32, dstRows: i32): void {
  scatterLanes(rows, ptr, idx, values, src, dst, width, dstRows, 0, width);
}
