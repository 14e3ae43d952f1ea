import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { checkPositiveInteger } from '@topiary/core';
import { gatherInputs, sequentialBatchIndices } from '../data/batches.js';
import { IMAGE_PIXELS } from '../data/fashion-mnist-files.js';
import type { ImageSet } from '../data/load-dataset.js';
import type { PixelNormalization } from '../data/normalization.js';

/**
 * Top-1 accuracy of `model` on `set`, predicted in batches built from typed arrays and read back
 * asynchronously (never `dataSync`). Creates and disposes its own tensors; the model is left untouched.
 */
export async function evaluateAccuracy(
  model: LayersModel,
  set: ImageSet,
  normalization: PixelNormalization,
  batchSize = 1000,
): Promise<number> {
  checkPositiveInteger(batchSize, 'batchSize');
  if (set.count === 0) throw new RangeError('evaluateAccuracy: the image set is empty');
  let correct = 0;
  for (const indices of sequentialBatchIndices(set.count, batchSize)) {
    const predicted = tf.tidy(() => {
      const x = tf.tensor2d(gatherInputs(set, indices, normalization), [indices.length, IMAGE_PIXELS]);
      return tf.argMax(model.predict(x) as tf.Tensor, 1);
    });
    const classes = await predicted.data();
    predicted.dispose();
    for (let k = 0; k < indices.length; k++) {
      if (classes[k] === set.labels[indices[k]!]) correct++;
    }
  }
  return correct / set.count;
}
