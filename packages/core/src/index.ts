export type {
  CriterionNeeds,
  Distribution,
  DropCriterion,
  GrowCriterion,
  GrowInitContext,
  GrowInitializer,
  LayerShape,
  MaskedLayerKind,
  MaskInit,
  MaskUpdatePolicy,
  Redistribution,
  RedistributionLayer,
  Schedule,
  ScoreContext,
  SparseStrategy,
  UpdateSchedule,
} from './types.js';
export { Rng } from './rng.js';
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
} from './schedules.js';
export type { CosineScheduleOptions, InversePowerScheduleOptions, PolynomialSparsityOptions } from './schedules.js';
export { check, checkFraction, checkNonNegativeInteger, checkPositiveInteger, checkSparsity } from './validate.js';
export type { BackendDescriptor, BackendInfo } from './backend.js';
