import { sha256OfJson } from '../json/canonical-json.js';
import type { RunConfig } from './config.js';

/**
 * Config fields that say where or how a run executes, not what it computes: the folder a named data set's files
 * are read from (Fashion-MNIST is the same data wherever it lies), the backend and what the training log holds.
 * They are stored with each result but left out of its identity, so a resumed or sharded bench finds finished
 * runs even when it reads the data from elsewhere or runs on another backend. For `idx` and `npy` data the
 * folder *is* the data set (MNIST or KMNIST), so there `data.dir` stays in the identity.
 */
export const EXECUTION_ONLY_FIELDS = ['backend', 'data.dir', 'logging'] as const;

/** Data kinds whose `dir` names the data set itself rather than where a named data set is stored. */
const DIR_IS_THE_DATA: ReadonlySet<string> = new Set(['idx', 'npy']);

/** The part of a resolved run configuration that identifies the experiment (execution-only fields removed). */
export function experimentIdentity(config: RunConfig): Record<string, unknown> {
  const { backend: _backend, logging: _logging, ...rest } = config;
  if (DIR_IS_THE_DATA.has(config.data.dataset)) return { ...rest, data: config.data };
  const { dir: _dir, ...data } = config.data;
  return { ...rest, data };
}

/** The run's identity: SHA-256 of the canonical JSON of {@link experimentIdentity}, 64 hex digits. */
export function configHash(config: RunConfig): string {
  return sha256OfJson(experimentIdentity(config));
}
