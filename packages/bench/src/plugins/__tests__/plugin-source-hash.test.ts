import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pluginSourceHash } from '../plugin-source-hash.js';

function fixture(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'topiary-plugin-hash-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

const files = {
  'plugin.ts': "import { definePlugin } from '@topiary/bench';\nimport { drop } from './criteria/drop.js';\nexport default definePlugin({ components: [drop] });\n",
  'criteria/drop.ts': "export { helper } from '../shared/helper.js';\nexport const drop = {};\n",
  'shared/helper.ts': 'export const helper = 1;\n',
  'unrelated.ts': 'export const other = 2;\n',
};

describe('pluginSourceHash', () => {
  it('covers the plugin file and the local modules it imports, transitively, and nothing else', async () => {
    const dir = fixture(files);
    const { files: hashed } = await pluginSourceHash(join(dir, 'plugin.ts'));
    expect(hashed).toEqual(['criteria/drop.ts', 'plugin.ts', 'shared/helper.ts']);
  });

  it('changes when an imported module changes, not when an unrelated file does or the folder moves', async () => {
    const a = fixture(files);
    const b = fixture(files);
    const before = (await pluginSourceHash(join(a, 'plugin.ts'))).sha256;
    expect((await pluginSourceHash(join(b, 'plugin.ts'))).sha256).toBe(before);
    writeFileSync(join(a, 'unrelated.ts'), 'export const other = 3;\n');
    expect((await pluginSourceHash(join(a, 'plugin.ts'))).sha256).toBe(before);
    writeFileSync(join(a, 'shared/helper.ts'), 'export const helper = 2;\n');
    expect((await pluginSourceHash(join(a, 'plugin.ts'))).sha256).not.toBe(before);
  });
});
