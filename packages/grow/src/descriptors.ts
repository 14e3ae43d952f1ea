import { constantInitDescriptor } from './constant-init.js';
import { gradientGrowDescriptor } from './gradient-grow.js';
import { gseGrowDescriptor } from './gse-grow.js';
import { kaimingNormalInitDescriptor, kaimingUniformInitDescriptor } from './kaiming-init.js';
import { momentumGrowDescriptor } from './momentum-grow.js';
import { normalInitDescriptor } from './normal-init.js';
import { randomGrowDescriptor } from './random-grow.js';
import { uniformInitDescriptor } from './uniform-init.js';
import { zerosInitDescriptor } from './zeros-init.js';

/** Every grow criterion this package provides, one descriptor each; JSON configs, registries and listings derive from it. */
export const growCriterionDescriptors = Object.freeze([randomGrowDescriptor, gradientGrowDescriptor, momentumGrowDescriptor, gseGrowDescriptor]);

/** Every grown-weight initialiser this package provides, one descriptor each. */
export const growInitializerDescriptors = Object.freeze([zerosInitDescriptor, constantInitDescriptor, normalInitDescriptor, uniformInitDescriptor, kaimingNormalInitDescriptor, kaimingUniformInitDescriptor]);

/** Every grow-criterion kind this package provides, in the order of {@link growCriterionDescriptors}. */
export const growCriterionKinds = Object.freeze(growCriterionDescriptors.map((d) => d.kind));

/** Every grown-weight initialiser kind this package provides, in the order of {@link growInitializerDescriptors}. */
export const growInitializerKinds = Object.freeze(growInitializerDescriptors.map((d) => d.kind));

/** The kind of a grow criterion from this package. */
export type GrowCriterionKind = (typeof growCriterionKinds)[number];

/** The kind of a grown-weight initialiser from this package. */
export type GrowInitializerKind = (typeof growInitializerKinds)[number];
