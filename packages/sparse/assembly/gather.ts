// Gather over batch-inner rows (Gustavson's row-wise sparse × dense product, ACM TOMS 1978, on transposed operands):
//   dst[r, :] = Σ_{k ∈ [ptr[r], ptr[r + 1])} values[k] · src[idx[k], :]
// each row `width` floats (the batch, padded to a multiple of 4). The input gradient on CSR (r = input i, idx =
// output o): dXᵀ[i, :] = Σ_o W(i, o) · dYᵀ[o, :] (dX = dY·Wᵀ). The accumulators stay in registers, 8, 4 or 1 f32x4
// vectors of the row at a time; every stored entry costs one splat, then a load, a multiply and an add per vector.

@inline function weight(values: usize, k: i32): v128 {
  return v128.load32_splat(values + (<usize>k << 2));
}

@inline function source(src: usize, idx: usize, k: i32, rowBytes: usize): usize {
  return src + <usize>load<i32>(idx + (<usize>k << 2)) * rowBytes;
}

@inline function gather8(k0: i32, k1: i32, idx: usize, values: usize, src: usize, out: usize, rowBytes: usize): void {
  let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
  let a4 = f32x4.splat(0), a5 = f32x4.splat(0), a6 = f32x4.splat(0), a7 = f32x4.splat(0);
  for (let k = k0; k < k1; k++) {
    const w = weight(values, k);
    const s = source(src, idx, k, rowBytes);
    a0 = f32x4.add(a0, f32x4.mul(w, v128.load(s)));
    a1 = f32x4.add(a1, f32x4.mul(w, v128.load(s, 16)));
    a2 = f32x4.add(a2, f32x4.mul(w, v128.load(s, 32)));
    a3 = f32x4.add(a3, f32x4.mul(w, v128.load(s, 48)));
    a4 = f32x4.add(a4, f32x4.mul(w, v128.load(s, 64)));
    a5 = f32x4.add(a5, f32x4.mul(w, v128.load(s, 80)));
    a6 = f32x4.add(a6, f32x4.mul(w, v128.load(s, 96)));
    a7 = f32x4.add(a7, f32x4.mul(w, v128.load(s, 112)));
  }
  v128.store(out, a0);
  v128.store(out, a1, 16);
  v128.store(out, a2, 32);
  v128.store(out, a3, 48);
  v128.store(out, a4, 64);
  v128.store(out, a5, 80);
  v128.store(out, a6, 96);
  v128.store(out, a7, 112);
}

@inline function gather4(k0: i32, k1: i32, idx: usize, values: usize, src: usize, out: usize, rowBytes: usize): void {
  let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
  for (let k = k0; k < k1; k++) {
    const w = weight(values, k);
    const s = source(src, idx, k, rowBytes);
    a0 = f32x4.add(a0, f32x4.mul(w, v128.load(s)));
    a1 = f32x4.add(a1, f32x4.mul(w, v128.load(s, 16)));
    a2 = f32x4.add(a2, f32x4.mul(w, v128.load(s, 32)));
    a3 = f32x4.add(a3, f32x4.mul(w, v128.load(s, 48)));
  }
  v128.store(out, a0);
  v128.store(out, a1, 16);
  v128.store(out, a2, 32);
  v128.store(out, a3, 48);
}

@inline function gather1(k0: i32, k1: i32, idx: usize, values: usize, src: usize, out: usize, rowBytes: usize): void {
  let a0 = f32x4.splat(0);
  for (let k = k0; k < k1; k++) {
    a0 = f32x4.add(a0, f32x4.mul(weight(values, k), v128.load(source(src, idx, k, rowBytes))));
  }
  v128.store(out, a0);
}

/** dst[r, :] = Σ_k values[k] · src[idx[k], :] for the compressed rows r0 ≤ r < r1 of (ptr, idx, values). */
export function gatherBand(r0: i32, r1: i32, ptr: usize, idx: usize, values: usize, src: usize, dst: usize, width: i32): void {
  const rowBytes = <usize>width << 2;
  for (let r = r0; r < r1; r++) {
    const k0 = load<i32>(ptr + (<usize>r << 2));
    const k1 = load<i32>(ptr + (<usize>r << 2), 4);
    const out = dst + <usize>r * rowBytes;
    let c = 0;
    for (; c + 32 <= width; c += 32) gather8(k0, k1, idx, values, src + (<usize>c << 2), out + (<usize>c << 2), rowBytes);
    for (; c + 16 <= width; c += 16) gather4(k0, k1, idx, values, src + (<usize>c << 2), out + (<usize>c << 2), rowBytes);
    for (; c < width; c += 4) gather1(k0, k1, idx, values, src + (<usize>c << 2), out + (<usize>c << 2), rowBytes);
  }
}

/** dst[r, :] = Σ_k values[k] · src[idx[k], :] for the `rows` compressed rows of (ptr, idx, values). */
export function gatherRows(rows: i32, ptr: usize, idx: usize, values: usize, src: usize, dst: usize, width: i32): void {
  gatherBand(0, rows, ptr, idx, values, src, dst, width);
}
