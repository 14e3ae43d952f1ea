import type * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';

/** The shape of the data a model is made for. */
export interface ModelDataShape {
  /** Shape of one example, e.g. [28, 28] or [13]. */
  readonly featureShape: readonly number[];
  /** Number of classes. */
  readonly numClasses: number;
  /** The data set, named in errors (e.g. `fashion-mnist` or a file). */
  readonly source: string;
}

/** Fashion-MNIST's shape: 28×28 examples, 10 classes. */
export const FASHION_MNIST_SHAPE: ModelDataShape = { featureShape: [28, 28], numClasses: 10, source: 'fashion-mnist' };

/** What a user model module's builder receives besides its options and seed: the bench's own tfjs copies. */
export interface ModelBuilderContext {
  /** The bench's `@tensorflow/tfjs-core`. */
  readonly tf: typeof tf;
  /** The bench's `@tensorflow/tfjs-layers`. */
  readonly tfl: typeof tfl;
  /** The data the model is for. */
  readonly data: ModelDataShape;
}
