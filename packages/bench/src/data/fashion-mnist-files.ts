/** The role a data file plays in an MNIST-format data set. */
export type DataFileRole = 'trainImages' | 'trainLabels' | 'testImages' | 'testLabels';

/** One of the four files of an MNIST-format data set. */
export interface DataFileSpec {
  /** What the file holds. */
  readonly role: DataFileRole;
  /** File name of the gzip-compressed original, e.g. `train-images-idx3-ubyte.gz`. */
  readonly gzName: string;
  /** File name of the uncompressed file, e.g. `train-images-idx3-ubyte`. */
  readonly rawName: string;
  /** Expected IDX dimensions; `undefined` accepts any size (used for the number of examples). */
  readonly dims: readonly (number | undefined)[];
}

/** A file set with its published checksums. */
export interface ChecksummedFileSpec extends DataFileSpec {
  /** sha256 of the official gzip file. */
  readonly gzSha256: string;
  /** sha256 of its uncompressed content. */
  readonly rawSha256: string;
}

/** Image side length of (Fashion-)MNIST. */
export const IMAGE_SIZE = 28;
/** Pixels per image, 28 × 28. */
export const IMAGE_PIXELS = IMAGE_SIZE * IMAGE_SIZE;
/** Number of classes. */
export const NUM_CLASSES = 10;

/** Fashion-MNIST class names, by label. */
export const FASHION_MNIST_CLASS_NAMES: readonly string[] = [
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
];

/**
 * The official download mirror of Fashion-MNIST (Xiao, Rasul & Vollgraf 2017, Zalando Research). The S3 website
 * endpoint serves plain HTTP only; integrity comes from the sha256 checks below.
 */
export const FASHION_MNIST_MIRROR = 'http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/';

/** The four Fashion-MNIST files with the sha256 of the official gzip files and of their content. */
export const FASHION_MNIST_FILES: readonly ChecksummedFileSpec[] = [
  {
    role: 'trainImages',
    gzName: 'train-images-idx3-ubyte.gz',
    rawName: 'train-images-idx3-ubyte',
    dims: [60000, IMAGE_SIZE, IMAGE_SIZE],
    gzSha256: 'b0564c3eedabfbf835052cff8503ea422014ce006caf5b757f851416ee8300c7',
    rawSha256: 'c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888',
  },
  {
    role: 'trainLabels',
    gzName: 'train-labels-idx1-ubyte.gz',
    rawName: 'train-labels-idx1-ubyte',
    dims: [60000],
    gzSha256: '0ae29f65d86684f32d1b9c85147786c547b9c6aebcaf235f0400a0cce308b056',
    rawSha256: 'bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9',
  },
  {
    role: 'testImages',
    gzName: 't10k-images-idx3-ubyte.gz',
    rawName: 't10k-images-idx3-ubyte',
    dims: [10000, IMAGE_SIZE, IMAGE_SIZE],
    gzSha256: 'cc1d090a38ace84dfa1aa66e3ada7c336ef481a96936906477e6dd344da56eaa',
    rawSha256: '5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b',
  },
  {
    role: 'testLabels',
    gzName: 't10k-labels-idx1-ubyte.gz',
    rawName: 't10k-labels-idx1-ubyte',
    dims: [10000],
    gzSha256: '8d3605d196f4be44669e46906da9733c8131fef761fdbfec72c424d5222f1a05',
    rawSha256: '0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34',
  },
];

/** The same four files without fixed example counts (any number of 28×28 images), as in the shipped subset. */
export const MNIST_FORMAT_FILES: readonly DataFileSpec[] = FASHION_MNIST_FILES.map((f) => ({
  role: f.role,
  gzName: f.gzName,
  rawName: f.rawName,
  dims: [undefined, ...f.dims.slice(1)],
}));

/** How to get Fashion-MNIST, appended to every data error. */
export const FASHION_MNIST_HINT =
  'Install it with `apt-get install dataset-fashion-mnist` (Debian/Ubuntu, into /usr/share/datasets/fashion-mnist), ' +
  `download the four files from ${FASHION_MNIST_MIRROR} into a directory and pass it with \`--data DIR\` ` +
  "(or TOPIARY_DATA_DIR), or use the dataset 'fashion-mnist-subset' shipped with @topiary/bench.";
