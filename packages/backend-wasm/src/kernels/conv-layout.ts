/** Element strides of the batch, row, column and channel axes of a rank-4 image tensor. */
export interface ImageStrides {
  /** Elements between consecutive images. */
  readonly batch: number;
  /** Elements between consecutive rows. */
  readonly row: number;
  /** Elements between consecutive columns. */
  readonly col: number;
  /** Elements between consecutive channels. */
  readonly channel: number;
}

/** The strides of a `[batch, height, width, channels]` (channels last) or `[batch, channels, height, width]` tensor. */
export function imageStrides(height: number, width: number, channels: number, channelsLast: boolean): ImageStrides {
  return channelsLast
    ? { batch: height * width * channels, row: width * channels, col: channels, channel: 1 }
    : { batch: channels * height * width, row: width, col: 1, channel: height * width };
}
