// Fixed addresses shared by the host and every thread of the threaded build: the job protocol's control block
// (1024 … 1047, @topiary/core's assembly/jobs.ts), then the parameters of the current job. Operands lie from
// DATA_BASE (64 KiB) up.

/** Parameters of the current job: 16 i32 slots. */
export const PARAMS: usize = 1088;

// Slots of PARAMS (i32 index).
export const P_KIND = 0; // what the job computes (KIND_*)
export const P_TASKS = 1; // tasks in the job: one per thread taking part
export const P_THREADS = 2; // threads that take part (the others leave it alone)
export const P_ROWS = 3; // compressed rows (the kernel's inputs)
export const P_PTR = 4; // row pointers (rows + 1 int32)
export const P_IDX = 5; // column indices (nnz int32)
export const P_VALUES = 6; // values (nnz float32)
export const P_SRC = 7; // scatter: Xᵀ; gather: dYᵀ; sampled: Xᵀ (batch-inner rows of P_WIDTH floats)
export const P_DST = 8; // scatter: Yᵀ; gather: dXᵀ; sampled: dYᵀ
export const P_WIDTH = 9; // floats per batch-inner row (a multiple of 4)
export const P_DST_ROWS = 10; // scatter: rows of Yᵀ (the kernel's outputs)
export const P_OUT = 11; // sampled: the nnz results

/** Forward: task t scatters into its slice of the batch lanes of every row of Yᵀ. */
export const KIND_SCATTER = 1;
/** Input gradient: task t gathers its band of rows of dXᵀ (rows balanced by nonzeros). */
export const KIND_GATHER = 2;
/** Sampled gradient: task t takes the dot products of its band of rows (balanced by nonzeros). */
export const KIND_SAMPLED = 3;
