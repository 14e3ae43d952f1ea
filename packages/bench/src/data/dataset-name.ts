/** Data sets the bench can load: the full Fashion-MNIST and the 5000/1000 subset shipped with the package. */
export const DATASET_NAMES = ['fashion-mnist', 'fashion-mnist-subset'] as const;

/** The name of a data set the bench can load. */
export type DatasetName = (typeof DATASET_NAMES)[number];
