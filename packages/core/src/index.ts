export type {
  CriterionNeeds,
  Distribution,
  DropCriterion,
  GrowCriterion,
  GrowInitContext,
  GrowInitializer,
  LayerShape,
  MaskedLayerKind,
  MaskGranularity,
  NMGranularity,
  FanInGranularity,
  FanInAblation,
  BlockGranularity,
  MaskInit,
  MaskUpdatePolicy,
  Redistribution,
  RedistributionLayer,
  Schedule,
  ScoreContext,
  SparseStrategy,
  UpdateSchedule,
  UpdateScope,
} from './types.js';
export { Rng } from './rng.js';
export { checkGranularity } from './check-granularity.js';
export { fanInCount, fanInSize, groupLayouts, nmFirstViolation, nmGroupOrder, nmHighestMask, nmRandomMask, nmRegrow, nmUpdateProblem } from './n-m-groups.js';
export type { GroupLayout } from './n-m-groups.js';
export { ablationViolation, fanInAfterAblation, planAblatedLayer, salientCounts, unitCounts } from './fan-in-ablation.js';
export type { AblatedLayerUpdate } from './fan-in-ablation.js';
export { blockBudgets, blockHighestMask, blockIndex, blockLayout, blockRandomMask, blockScores, blockViolation, checkBlockGranularity, expandBlocks } from './block-groups.js';
export type { BlockLayout } from './block-groups.js';
export {
  countActive,
  dropPositions,
  growPositions,
  randomMask,
  selectHighest,
  selectHighestInactive,
  selectLowestActive,
} from './selection.js';
export type { MaskArray } from './selection.js';
export {
  constantSchedule,
  cosineSchedule,
  inversePowerSchedule,
  isUpdateStep,
  linearSchedule,
  polynomialSparsitySchedule,
  updateSchedule,
  constantScheduleDescriptor,
  cosineScheduleDescriptor,
  linearScheduleDescriptor,
  inversePowerScheduleDescriptor,
  polynomialScheduleDescriptor,
  cyclicSchedule,
  cyclicScheduleDescriptor,
  scheduleDescriptors,
} from './schedules.js';
export type { CosineScheduleOptions, CyclicScheduleOptions, InversePowerScheduleOptions, PolynomialSparsityOptions } from './schedules.js';
export { check, checkFraction, checkNonNegativeInteger, checkPositiveInteger, checkSparsity } from './validate.js';
export type { BackendDescriptor, BackendInfo } from './backend.js';
export { MASK_SELECT_KERNEL, hasMaskSelectKernel, hostMaskSelectKernel, maskSelect, maskSelectOnHost, registerHostMaskSelect } from './mask-select-kernel.js';
export type { MaskSelectAttrs, MaskSelectMode } from './mask-select-kernel.js';
export { SparseTrainer } from './trainer.js';
export { checkGivenMasks } from './mask-init.js';
export type { LayerSummary, LoadCheckpointOptions, SparseTrainerOptions, SparsitySummary, StepResult, TrainerWarning, TrainerWarningKind, TrainingHealth } from './trainer.js';
export { maskDiffCounts, readLearningRate } from './trainer-events.js';
export type { LayerUpdateCounts, TrainerEvent, TrainerEventListener, TrainerMaskUpdateEvent, TrainerStepEvent } from './trainer-events.js';
export { fitCallback } from './fit-callback.js';
export type { FitCallbackOptions } from './fit-callback.js';
export { SparseOptimizer, sparseOptimizer } from './sparse-optimizer.js';
export { findKernelLayers, findPrunableKernels } from './layers.js';
export type { KernelLayer, LayerSelectionOptions, PrunableKernel } from './layers.js';
export { lossNames, resolveLoss } from './losses.js';
export type { LossFunction, LossName } from './losses.js';
export { flopsReport, forwardFlops, layerForwardFlops, trainingStepFlops } from './flops.js';
export type { FlopsReport } from './flops.js';
export { decodeCheckpoint, encodeCheckpoint, readSparseCheckpoint, writeSparseCheckpoint } from './checkpoint.js';
export type {
  Checkpoint,
  CheckpointCsr,
  CheckpointLayer,
  CheckpointLayerStorage,
  CheckpointManifest,
  CheckpointOptimizer,
  CheckpointTensorEntry,
  RestoredSparseCheckpoint,
  SparseCheckpointSource,
  SparseCheckpointTarget,
} from './checkpoint.js';
export { restoreOptimizerState } from './optimizer-state.js';
export type { TrainingEngine } from './engine.js';
export type { EngineDenseState } from './engine-dense-state.js';
export { assembleSparseModel, decodeSparseModel, encodeSparseModel, encodeSparseWeight, exportSparseModel, loadSparseModel, sparseModelToArtifacts } from './sparse-export.js';
export type { EncodedSparseWeight, SparseExportOptions, SparseModelArtifact, SparseModelManifest, SparseModelSection, SparseModelWeight, SparseWeightEncoding } from './sparse-export.js';
export { budgetsFromDensities, densityBudget } from './budgets.js';
export { checkLayerMatchesWeight, hostUniformScores, requireInput } from './criterion-helpers.js';
export { checkOptionKeys, editDistance, nearestName, unknownKeysMessage } from './suggest.js';
export { componentFamilies, componentOption, componentOptionFamily, createComponent, createExample, defineComponent } from './descriptor.js';
export type { AnyComponentDescriptor, ComponentContexts, ComponentDescriptor, ComponentFamily, ComponentProducts, CreateComponentAt, PresetContext, ScheduleWindow } from './descriptor.js';
export { closedObject } from './closed-object.js';
export { describeIssue, flattenIssues, formatPath, issueLines } from './zod-issues.js';
export type { DescribedIssue } from './zod-issues.js';
export { showValue } from './show-value.js';
export { descriptorUnion } from './descriptor-union.js';
export { globalUpdateTotals, updateCounts } from './mask-update-counts.js';
export type { CountInputs, UpdateCounts } from './mask-update-counts.js';
export { sampleDistinctPositions } from './sample-positions.js';
export { initialMasks } from './mask-init.js';
export type { InitialMaskInputs } from './mask-init.js';
export { setOptimizerLearningRate } from './optimizer-learning-rate.js';
export { checkTrainingOptions } from './training-options.js';
export type { TrainingOptionsInput } from './training-options.js';
export { decodeBase64 } from './decode-base64.js';
export {
  importNodeBuiltin, isNodeRuntime, JOB_TIMEOUT_MS, KERNEL_THREADS_VARIABLE, kernelThreadsFromEnvironment, logicalCores, sharedMemorySupport, SPIN_BUDGET_MICROSECONDS, SPIN_MICROSECONDS_ADDRESS, startKernelPool,
  startKernelThreads, THREAD_START_TIMEOUT_MS,
} from './kernel-threads.js';
export type { KernelPool, KernelThread, StartedThreads } from './kernel-threads.js';
