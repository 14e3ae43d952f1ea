// Image patches for convolution gradients through the gemm kernel. Row (b, y, x) of the patch matrix holds the
// filter-sized window of image b that output pixel (y, x) sees, ordered (filter row r, filter column c, channel),
// zeros where the window leaves the image: X[b, y·s_h + r·d_h − pad_top, x·s_w + c·d_w − pad_left, channel].
import {
  P_COLUMNS, P_DILATION_H, P_DILATION_W, P_FILTER_H, P_FILTER_W, P_IMAGE, P_IN_C, P_IN_H, P_IN_W, P_OUT_H, P_OUT_W,
  P_PAD_LEFT, P_PAD_TOP, P_STRIDE_H, P_STRIDE_W, PARAMS,
} from './layout';

@inline function param(slot: i32): i32 {
  return load<i32>(PARAMS + (<usize>slot << 2));
}

/** dst[0 .. count) = src[0 .. count) for floats, four at a time. */
@inline function copyFloats(dst: usize, src: usize, count: i32): void {
  let i = 0;
  for (; i + 4 <= count; i += 4) v128.store(dst + (<usize>i << 2), v128.load(src + (<usize>i << 2)));
  for (; i < count; i++) store<f32>(dst + (<usize>i << 2), load<f32>(src + (<usize>i << 2)));
}

/** dst[0 .. count) += src[0 .. count) for floats, four at a time. */
@inline function addFloats(dst: usize, src: usize, count: i32): void {
  let i = 0;
  for (; i + 4 <= count; i += 4) {
    const at = <usize>i << 2;
    v128.store(dst + at, f32x4.add(v128.load(dst + at), v128.load(src + at)));
  }
  for (; i < count; i++) store<f32>(dst + (<usize>i << 2), load<f32>(dst + (<usize>i << 2)) + load<f32>(src + (<usize>i << 2)));
}

/**
 * Visits the part of each patch row of image `b` that lies inside the image: for every output pixel and filter
 * row, the filter columns [c0, c1) whose input columns are inside, which are contiguous in the image when the
 * dilation along the width is 1 (the gradients' case). im2col copies each run into the patch row and zeroes the
 * rest; col2im zeroes the image gradient first and adds each run back into it.
 */
@inline function forEachWindowRun(b: i32, toColumns: bool): void {
  const inH = param(P_IN_H), inW = param(P_IN_W), channels = param(P_IN_C);
  const outH = param(P_OUT_H), outW = param(P_OUT_W);
  const fh = param(P_FILTER_H), fw = param(P_FILTER_W);
  const sh = param(P_STRIDE_H), sw = param(P_STRIDE_W), dh = param(P_DILATION_H), dw = param(P_DILATION_W);
  const top = param(P_PAD_TOP), left = param(P_PAD_LEFT);
  const channelBytes = <usize>channels << 2;
  const image = <usize>param(P_IMAGE) + <usize>b * <usize>inH * <usize>inW * channelBytes;
  const rowFloats = fw * channels;
  let patch = <usize>param(P_COLUMNS) + <usize>b * <usize>outH * <usize>outW * <usize>fh * <usize>rowFloats * 4;
  if (!toColumns) memory.fill(image, 0, <usize>inH * <usize>inW * channelBytes);
  for (let y = 0; y < outH; y++) {
    for (let x = 0; x < outW; x++) {
      const ix0 = x * sw - left;
      for (let r = 0; r < fh; r++) {
        const iy = y * sh + r * dh - top;
        if (iy < 0 || iy >= inH) {
          if (toColumns) memory.fill(patch, 0, <usize>rowFloats << 2);
        } else if (dw == 1) {
          const c0 = max(0, -ix0);
          const c1 = min(fw, inW - ix0);
          const pixel = image + (<usize>iy * <usize>inW << 2) * <usize>channels;
          if (c1 <= c0) {
            if (toColumns) memory.fill(patch, 0, <usize>rowFloats << 2);
          } else {
            if (toColumns && c0 > 0) memory.fill(patch, 0, <usize>c0 * channelBytes);
            const inside = patch + <usize>c0 * channelBytes;
            const from = pixel + <usize>(ix0 + c0) * channelBytes;
            if (toColumns) copyFloats(inside, from, (c1 - c0) * channels);
            else addFloats(from, inside, (c1 - c0) * channels);
            if (toColumns && c1 < fw) memory.fill(patch + <usize>c1 * channelBytes, 0, <usize>(fw - c1) * channelBytes);
          }
        } else {
          for (let c = 0; c < fw; c++) {
            const ix = ix0 + c * dw;
            const at = patch + <usize>c * channelBytes;
            if (ix < 0 || ix >= inW) {
              if (toColumns) memory.fill(at, 0, channelBytes);
            } else {
              const pixel = image + (<usize>iy * <usize>inW + <usize>ix) * channelBytes;
              if (toColumns) copyFloats(at, pixel, channels);
              else addFloats(pixel, at, channels);
            }
          }
        }
        patch += <usize>rowFloats << 2;
      }
    }
  }
}

/** Writes the patch rows of image `b` (im2col). */
export function im2colTask(b: i32): void {
  forEachWindowRun(b, true);
}

/** Sums the patch-row gradients of image `b` into its image gradient (col2im), which it first zeroes. */
export function col2imTask(b: i32): void {
  forEachWindowRun(b, false);
}
