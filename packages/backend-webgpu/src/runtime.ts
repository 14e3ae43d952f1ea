/** True when running under Node.js (where WebGPU comes from Dawn), false in a browser or worker. */
export function isNodeRuntime(): boolean {
  return typeof process !== 'undefined' && typeof process.versions?.node === 'string';
}

/** The `navigator.gpu` of this realm, or undefined when the host defines none. */
export function hostGpu(): GPU | undefined {
  const nav = (globalThis as { navigator?: { gpu?: GPU } }).navigator;
  return nav?.gpu ?? undefined;
}
