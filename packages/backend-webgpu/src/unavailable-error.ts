/** Thrown when WebGPU cannot start; the message lists every attempt and how to fix the cause. */
export class WebGpuUnavailableError extends Error {
  /** What was tried, in order, each with its outcome. */
  readonly attempts: readonly string[];

  /** Builds the message from a one-line summary, the attempts and a fix. */
  constructor(summary: string, attempts: readonly string[], fix: string, options?: { cause?: unknown }) {
    const tried = attempts.length > 0 ? `\nTried:\n${attempts.map((a) => `  - ${a}`).join('\n')}` : '';
    super(`webgpu backend: ${summary}${tried}\nFix: ${fix}`, options);
    this.name = 'WebGpuUnavailableError';
    this.attempts = [...attempts];
  }
}

/** The advice given when no adapter is found in Node. */
export const NODE_ADAPTER_FIX =
  'on a machine with a GPU, install its Vulkan driver; without one, use the SwiftShader software driver: ' +
  '`apt-get install chromium libvulkan1` (Debian) and set ' +
  'VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json. Or choose the wasm or cpu backend.';

/** Formats a thrown value for a message. */
export function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
