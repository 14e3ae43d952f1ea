/** Data sets the bench can load: the full Fashion-MNIST and the 5000/1000 subset shipped with the package. */
export const DATASET_NAMES = ['fashion-mnist', 'fashion-mnist-subset'] as const;

/** The name of a data set the bench can load. */
export type DatasetName = (typeof DATASET_NAMES)[number];

/**
 * Data sets a run config may ask for: one of {@link DATASET_NAMES}, or `fashion-mnist-or-subset`: the full
 * Fashion-MNIST when it is found on this machine (never downloaded), else the shipped subset. Results record
 * which one was used.
 */
export const DATASET_REQUESTS = [...DATASET_NAMES, 'fashion-mnist-or-subset'] as const;

/** What a run config may ask for. */
export type DatasetRequest = (typeof DATASET_REQUESTS)[number];
