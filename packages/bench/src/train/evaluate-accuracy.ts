import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { checkPositiveInteger } from '@topiary/core';
import { gatherInputs, sequentialBatchIndices } from '../data/batches.js';
import { featureSizeOf, type ImageSet } from '../data/loaded-dataset.js';
import type { PixelNormalization } from '../data/normalization.js';

/**
 * Top-1 accuracy of `model` on `set`, predicted in batches built from typed arrays and read back
 * asynchronously (never `dataSync`); `inputShape` (without the batch) reshapes each example for the model. Creates and disposes its own tensors; the model is left untouched.
 */
export async function evaluateAccuracy(
  model: Pick<LayersModel, 'predict'> | { predict(x: tf.Tensor): tf.Tensor },
  set: ImageSet,
  normalization: PixelNormalization,
  batchSize = 1000,
  inputShape?: readonly number[],
): Promise<number> {
  checkPositiveInteger(batchSize, 'batchSize');
  if (set.count === 0) throw new RangeError('evaluateAccuracy: the image set is empty');
  let correct = 0;
  for (const indices of sequentialBatchIndices(set.count, batchSize)) {
    const predicted = tf.tidy(() => {
      const x = tf.tensor(gatherInputs(set, indices, normalization), [indices.length, ...(inputShape ?? [featureSizeOf(set)])]);
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
