// Records every typed array made while code runs (constructors, and slice / map / filter / subarray of typed
// arrays), so that tests can show that nothing of a dense kernel's size is allocated.
const TYPED = ['Float32Array', 'Float64Array', 'Int32Array', 'Uint32Array', 'Int16Array', 'Uint16Array', 'Int8Array', 'Uint8Array', 'Uint8ClampedArray', 'ArrayBuffer'] as const;
type Ctor = new (...args: unknown[]) => object;
const globals = globalThis as unknown as Record<string, Ctor>;
const typedArrayPrototype = Object.getPrototypeOf(Float32Array.prototype) as Record<string, (...args: unknown[]) => unknown>;
const originals = new Map<string, Ctor>(TYPED.map((name) => [name, globals[name]!]));
const originalMethods = new Map(['slice', 'map', 'filter', 'subarray'].map((name) => [name, typedArrayPrototype[name]!]));

/** Starts recording: returns the list that every new typed array's element count (bytes / 4 for ArrayBuffer) is pushed to. */
function startRecording(): number[] {
  const sizes: number[] = [];
  const size = (first: unknown): number => (typeof first === 'number' ? first : typeof first === 'object' && first !== null && 'length' in first ? Number((first as { length: number }).length) : 0);
  for (const [name, ctor] of originals) {
    globals[name] = new Proxy(ctor, {
      construct(target, args: unknown[], newTarget) {
        sizes.push(name === 'ArrayBuffer' ? Number(args[0]) / 4 : size(args[0]));
        return Reflect.construct(target, args, newTarget) as object;
      },
    });
  }
  for (const [name, method] of originalMethods) {
    typedArrayPrototype[name] = function (this: { length: number }, ...args: unknown[]) {
      const result = method.apply(this, args) as { length: number };
      sizes.push(result.length);
      return result;
    };
  }
  return sizes;
}

/** Restores the typed-array constructors and methods. */
export function restoreAllocations(): void {
  for (const [name, ctor] of originals) globals[name] = ctor;
  for (const [name, method] of originalMethods) typedArrayPrototype[name] = method;
}

/** The element count of every typed array made while `run` runs. */
export function recordAllocations(run: () => void): number[] {
  const sizes = startRecording();
  try {
    run();
  } finally {
    restoreAllocations();
  }
  return sizes;
}

/** {@link recordAllocations} around an asynchronous `run` (nothing else may allocate meanwhile). */
export async function recordAllocationsAsync(run: () => Promise<void>): Promise<number[]> {
  const sizes = startRecording();
  try {
    await run();
  } finally {
    restoreAllocations();
  }
  return sizes;
}
