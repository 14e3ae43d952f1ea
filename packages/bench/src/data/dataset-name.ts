/** Data sets the bench can load: the full Fashion-MNIST and the 5000/1000 subset shipped with the package. */
export const DATASET_NAMES = ['fashion-mnist', 'fashion-mnist-subset'] as const;

/** The name of a data set the bench can load. */
export type DatasetName = (typeof DATASET_NAMES)[number];

/**
 * Data sets a run config may ask for: one of {@link DATASET_NAMES}, or `fashion-mnist-or-subset`: the full
 * Fashion-MNIST when it is found on this machine (never downloaded), else the shipped subset. Results record
 * which one was used.
 */
export const DATASET_REQUESTS = [...DATASET_NAMES, 'fashion-mnist-or-subset', 'idx', 'npy', 'npz', 'csv', 'module'] as const;

/**
 * A researcher's own data: `idx` (a folder of MNIST-format files: MNIST, KMNIST, EMNIST…), `npy` (a folder of
 * x_train.npy, y_train.npy, x_test.npy, y_test.npy), `npz` (one archive with those four arrays, as Keras's mnist.npz),
 * `csv` (a training and a test file, features plus a label column) or `module` (a JS module exporting a loader).
 */
export const USER_DATASET_KINDS = ['idx', 'npy', 'npz', 'csv', 'module'] as const;

/** A kind of user data set. */
export type UserDatasetKind = (typeof USER_DATASET_KINDS)[number];

/** True for the user data-set kinds (not the built-in Fashion-MNIST requests). */
export function isUserDatasetKind(value: string): value is UserDatasetKind {
  return (USER_DATASET_KINDS as readonly string[]).includes(value);
}

/** What a run config may ask for. */
export type DatasetRequest = (typeof DATASET_REQUESTS)[number];

/** The name a plugin gives a data set it provides (`defineDataset`), e.g. `my-lab:kmnist`; run configs name it in `data.dataset`. */
export type PluginDatasetName = string;

/** True for the data sets the bench itself knows ({@link DATASET_REQUESTS}); false for a plugin's. */
export function isDatasetRequest(value: string): value is DatasetRequest {
  return (DATASET_REQUESTS as readonly string[]).includes(value);
}

/** True for the Fashion-MNIST requests (the full set, the subset, or either), whose sizes are known without reading them. */
export function isFashionMnistRequest(value: string): value is Exclude<DatasetRequest, UserDatasetKind> {
  return isDatasetRequest(value) && !isUserDatasetKind(value);
}
