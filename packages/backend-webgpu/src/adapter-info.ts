/** The adapter's vendor, architecture, device and description, e.g. `google / swiftshader / SwiftShader driver 5.0.0`. */
export function describeAdapter(adapter: GPUAdapter): string {
  const info = adapter.info as Partial<GPUAdapterInfo> | undefined;
  const parts = [info?.vendor, info?.architecture, info?.device, info?.description].filter(
    (part): part is string => typeof part === 'string' && part.length > 0,
  );
  return parts.length > 0 ? parts.join(' / ') : 'unnamed adapter';
}

/**
 * True for a fallback adapter (a software implementation such as SwiftShader). Reads `adapter.info.isFallbackAdapter`
 * and, for older implementations, the deprecated `adapter.isFallbackAdapter`.
 */
export function isFallbackAdapter(adapter: GPUAdapter): boolean {
  const fromInfo = (adapter.info as { isFallbackAdapter?: boolean } | undefined)?.isFallbackAdapter;
  const legacy = (adapter as { isFallbackAdapter?: boolean }).isFallbackAdapter;
  return fromInfo === true || legacy === true;
}
