import { DATASET_REQUESTS } from './dataset-name.js';
import type { DatasetDescriptor } from './dataset-descriptor.js';

/** A plugin's data set and the plugin it came from. */
export interface RegisteredDataset {
  /** The descriptor. */
  readonly descriptor: DatasetDescriptor;
  /** Where it was registered from (the plugin's path). */
  readonly source: string;
}

/** The source of the names the bench knows itself. */
const BUILT_IN = 'built-in';

/**
 * The data sets run configs may name in `data.dataset`: the built-in ones ({@link DATASET_REQUESTS}) and those of
 * plugins, added with {@link DatasetRegistry.with}.
 */
export class DatasetRegistry {
  readonly #entries: ReadonlyMap<string, { readonly source: string; readonly descriptor?: DatasetDescriptor }>;

  private constructor(entries: ReadonlyMap<string, { readonly source: string; readonly descriptor?: DatasetDescriptor }>) {
    this.#entries = entries;
  }

  /** The built-in data sets alone. */
  static builtin(): DatasetRegistry {
    return new DatasetRegistry(new Map(DATASET_REQUESTS.map((name) => [name, { source: BUILT_IN }])));
  }

  /**
   * A new registry with `descriptors` added from `source`. A name already taken (by the bench or another plugin) is
   * refused, naming both sources; nothing is added then.
   */
  with(descriptors: readonly DatasetDescriptor[], source: string): DatasetRegistry {
    const entries = new Map(this.#entries);
    for (const descriptor of descriptors) {
      const existing = entries.get(descriptor.name);
      if (existing) throw new RangeError(`${source}: data set ${JSON.stringify(descriptor.name)} is already registered by ${existing.source}; give it another name (e.g. "my-lab:${descriptor.name}")`);
      entries.set(descriptor.name, { source, descriptor });
    }
    return new DatasetRegistry(entries);
  }

  /** Every name `data.dataset` may take, the built-in ones first. */
  names(): string[] {
    return [...this.#entries.keys()];
  }

  /** A plugin's data set by name; undefined for a built-in or unknown name. */
  get(name: string): RegisteredDataset | undefined {
    const entry = this.#entries.get(name);
    return entry?.descriptor ? { descriptor: entry.descriptor, source: entry.source } : undefined;
  }
}
