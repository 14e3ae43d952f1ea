// The gradient of max pooling for channels-last images: each output gradient goes to the input pixel that was
// its window's maximum, the first one in row-major window order on ties (strictly greater wins), as tfjs's CPU
// backend chooses it; a window whose values are all −∞ or NaN passes no gradient.
import {
  P_DILATION_H, P_DILATION_W, P_FILTER_H, P_FILTER_W, P_IMAGE, P_IN_C, P_IN_H, P_IN_W, P_OUT_H, P_OUT_W, P_PAD_LEFT,
  P_PAD_TOP, P_POOL_DX, P_POOL_DY, P_STRIDE_H, P_STRIDE_W, PARAMS,
} from './layout';

@inline function param(slot: i32): i32 {
  return load<i32>(PARAMS + (<usize>slot << 2));
}

/** Writes image `b`'s input gradient dX from dY and the input X. */
export function maxPoolGradTask(b: i32): void {
  const inH = param(P_IN_H), inW = param(P_IN_W), channels = param(P_IN_C);
  const outH = param(P_OUT_H), outW = param(P_OUT_W);
  const fh = param(P_FILTER_H), fw = param(P_FILTER_W);
  const sh = param(P_STRIDE_H), sw = param(P_STRIDE_W), dh = param(P_DILATION_H), dw = param(P_DILATION_W);
  const top = param(P_PAD_TOP), left = param(P_PAD_LEFT);
  const imageFloats = <usize>inH * <usize>inW * <usize>channels;
  const x = <usize>param(P_IMAGE) + (<usize>b * imageFloats << 2);
  const dx = <usize>param(P_POOL_DX) + (<usize>b * imageFloats << 2);
  const dy = <usize>param(P_POOL_DY) + (<usize>b * <usize>outH * <usize>outW * <usize>channels << 2);
  memory.fill(dx, 0, imageFloats << 2);
  for (let y = 0; y < outH; y++) {
    for (let xo = 0; xo < outW; xo++) {
      const outAt = dy + ((<usize>y * <usize>outW + <usize>xo) * <usize>channels << 2);
      for (let ch = 0; ch < channels; ch++) {
        let best: f32 = -Infinity;
        let at: isize = -1;
        for (let r = 0; r < fh; r++) {
          const iy = y * sh + r * dh - top;
          if (iy < 0 || iy >= inH) continue;
          for (let c = 0; c < fw; c++) {
            const ix = xo * sw + c * dw - left;
            if (ix < 0 || ix >= inW) continue;
            const offset = <isize>(((<usize>iy * <usize>inW + <usize>ix) * <usize>channels + <usize>ch) << 2);
            const value = load<f32>(x + offset);
            if (value > best) {
              best = value;
              at = offset;
            }
          }
        }
        if (at >= 0) {
          const target = dx + <usize>at;
          store<f32>(target, load<f32>(target) + load<f32>(outAt + (<usize>ch << 2)));
        }
      }
    }
  }
}
