// Fixed addresses of the control block shared by the host (JavaScript) and every kernel thread. The host lays out
// operands from DATA_BASE upwards; nothing below it is ever used for tensor data.

// The control block of the job protocol (CLAIM … SPIN_MICROSECONDS) lies at 1024 … 1047: @topiary/core's assembly/jobs.ts.

/** Parameters of the current job: 48 i32 slots. */
export const PARAMS: usize = 1088;
/** Per-thread scratch for partial-tile stores: 64 bytes per thread, up to 256 threads. */
export const SCRATCH: usize = 4096;
/** First byte the host may use for operands (64 KiB: one wasm page). */
export const DATA_BASE: usize = 65536;

// Slots of PARAMS (i32 index).
export const P_KIND = 0;
export const P_TASKS = 1;
export const P_M = 2;
export const P_N = 3;
export const P_K = 4;
export const P_A = 5;
export const P_A_ROW = 6; // elements between A[i, k] and A[i + 1, k]
export const P_A_COL = 7; // elements between A[i, k] and A[i, k + 1]
export const P_B = 8;
export const P_B_ROW = 9; // elements between B[k, j] and B[k + 1, j]
export const P_B_COL = 10; // elements between B[k, j] and B[k, j + 1]
export const P_C = 11;
export const P_BIAS = 12; // 0: no bias
export const P_ACTIVATION = 13;
export const P_ALPHA = 14; // f32 bits
export const P_BATCH_TABLE = 15; // per output batch: A offset, B offset (bytes)
export const P_PANELS = 16; // column panels per batch
export const P_PACK = 17; // packing buffers: one per thread
export const P_PACK_STRIDE = 18; // bytes per thread's packing buffer
export const P_THREADS = 19; // threads that take part in this job (the others leave it alone)
export const P_K_CHUNK = 20; // inner-dimension length per task when the product is split along k (0: not split)
export const P_K_CHUNKS = 21; // tasks per output panel along k (1: not split)
export const P_PARTIALS = 22; // split along k: chunk c writes its partial C at P_PARTIALS + c · batches · M · N floats
export const P_ROW_BLOCK = 23; // rows of C per task (a multiple of 4; M for one block)

// Image patches (im2col / col2im), channels-last images [batch, height, width, channels].
export const P_IMAGE = 24; // the images
export const P_COLUMNS = 25; // patch rows [(b, y, x), (r, c, channel)]
export const P_IN_H = 26;
export const P_IN_W = 27;
export const P_IN_C = 28;
export const P_OUT_H = 29;
export const P_OUT_W = 30;
export const P_FILTER_H = 31;
export const P_FILTER_W = 32;
export const P_STRIDE_H = 33;
export const P_STRIDE_W = 34;
export const P_DILATION_H = 35;
export const P_DILATION_W = 36;
export const P_PAD_TOP = 37;
export const P_PAD_LEFT = 38;
export const P_POOL_DY = 39; // max-pool gradient: the output gradient [batch, outH, outW, channels]
export const P_POOL_DX = 40; // max-pool gradient: the input gradient written [batch, inH, inW, channels]

/** Job kinds. */
export const KIND_GEMM = 1;
/** Patch rows of one image per task. */
export const KIND_IM2COL = 2;
/** One image's gradient from its patch-row gradients per task (sums overlapping patches). */
export const KIND_COL2IM = 3;
/** One image's max-pool input gradient per task. */
export const KIND_MAX_POOL_GRAD = 4;

/** Fused activations (the same numbering as the host's). */
export const ACT_LINEAR = 0;
export const ACT_RELU = 1;
export const ACT_RELU6 = 2;
export const ACT_LEAKY_RELU = 3;
