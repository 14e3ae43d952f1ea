import { check } from '@topiary/core';

/** Where Debian's `chromium` package installs the SwiftShader Vulkan driver manifest (a software GPU). */
export const CHROMIUM_SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

/** Options of the WebGPU backend; every field is optional. */
export interface WebGpuOptions {
  /**
   * The adapter to ask for when the machine has several GPUs.
   * @default 'high-performance'
   */
  powerPreference?: 'high-performance' | 'low-power';
  /**
   * Accept a fallback adapter (a software implementation such as SwiftShader: correct but slow).
   * @default true
   */
  allowFallbackAdapter?: boolean;
  /**
   * Flags for Dawn's `create()` in Node, e.g. `'enable-dawn-features=allow_unsafe_apis'` or `'backend=vulkan'`;
   * ignored in the browser.
   * @default []
   */
  dawnFlags?: readonly string[];
  /**
   * In Node, when no adapter is found and `VK_ICD_FILENAMES` is unset, this Vulkan driver manifest is put into
   * `VK_ICD_FILENAMES` and the search is retried once if the file exists; `false` turns the retry off.
   * @default '/usr/lib/chromium/vk_swiftshader_icd.json'
   */
  softwareVulkanIcd?: string | false;
}

/** {@link WebGpuOptions} with every default filled in. */
export interface ResolvedWebGpuOptions {
  /** The adapter to ask for when the machine has several GPUs. */
  readonly powerPreference: 'high-performance' | 'low-power';
  /** Accept a fallback (software) adapter. */
  readonly allowFallbackAdapter: boolean;
  /** Flags for Dawn's `create()` in Node. */
  readonly dawnFlags: readonly string[];
  /** The Vulkan driver manifest tried when no adapter is found, or `false`. */
  readonly softwareVulkanIcd: string | false;
}

const POWER_PREFERENCES = ['high-performance', 'low-power'] as const;

/** Checks the options and fills in the defaults; throws a RangeError that names the bad field. */
export function resolveWebGpuOptions(options: WebGpuOptions = {}): ResolvedWebGpuOptions {
  check(
    typeof options === 'object' && options !== null && !Array.isArray(options),
    'webgpu options',
    options,
    'an object',
  );
  const powerPreference = options.powerPreference ?? 'high-performance';
  check(
    (POWER_PREFERENCES as readonly string[]).includes(powerPreference),
    'powerPreference',
    powerPreference,
    `one of ${POWER_PREFERENCES.map((p) => `'${p}'`).join(', ')}`,
  );
  const allowFallbackAdapter = options.allowFallbackAdapter ?? true;
  check(typeof allowFallbackAdapter === 'boolean', 'allowFallbackAdapter', allowFallbackAdapter, 'a boolean');
  const dawnFlags = options.dawnFlags ?? [];
  check(
    Array.isArray(dawnFlags) && dawnFlags.every((flag) => typeof flag === 'string' && flag.length > 0),
    'dawnFlags',
    dawnFlags,
    'an array of non-empty strings',
  );
  const softwareVulkanIcd = options.softwareVulkanIcd ?? CHROMIUM_SWIFTSHADER_ICD;
  check(
    softwareVulkanIcd === false || (typeof softwareVulkanIcd === 'string' && softwareVulkanIcd.length > 0),
    'softwareVulkanIcd',
    softwareVulkanIcd,
    'a path to a Vulkan ICD manifest (.json) or false',
  );
  return { powerPreference, allowFallbackAdapter, dawnFlags: [...dawnFlags], softwareVulkanIcd };
}
