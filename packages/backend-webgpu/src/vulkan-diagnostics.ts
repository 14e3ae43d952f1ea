/** Directories where Linux distributions install the Vulkan loader, searched after LD_LIBRARY_PATH. */
const LOADER_DIRS = ['/usr/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/usr/lib64', '/usr/lib', '/usr/local/lib'];

/**
 * Says whether Linux can load the Vulkan loader `libvulkan.so.1` that Dawn opens, and which drivers
 * `VK_ICD_FILENAMES` names; returns an empty list elsewhere. Used to explain a missing adapter.
 */
export async function describeVulkanSetup(): Promise<string[]> {
  if (process.platform !== 'linux') return [];
  const { existsSync } = await import('node:fs');
  const { join } = await import('node:path');
  const searched = [...(process.env.LD_LIBRARY_PATH ?? '').split(':').filter(Boolean), ...LOADER_DIRS];
  const loader = searched.map((dir) => join(dir, 'libvulkan.so.1')).find((path) => existsSync(path));
  const notes = [
    loader === undefined
      ? `Vulkan loader libvulkan.so.1: not found in ${searched.join(', ')} (Debian: \`apt-get install libvulkan1\`)`
      : `Vulkan loader: ${loader}`,
  ];
  const icds = process.env.VK_ICD_FILENAMES;
  if (icds !== undefined && icds !== '') {
    for (const icd of icds.split(':').filter(Boolean)) {
      notes.push(`Vulkan driver manifest ${icd}: ${existsSync(icd) ? 'present' : 'missing'}`);
    }
  }
  return notes;
}

/** True when the file exists (Node only). */
export async function fileExists(path: string): Promise<boolean> {
  const { existsSync } = await import('node:fs');
  return existsSync(path);
}
