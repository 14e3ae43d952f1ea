// The shared browser-test harness records a Node builtin that a page loads at run time (so a page that loads none
// is shown to load none), serves `/` cross-origin isolated and `/plain` not. Skipped where Chromium is missing.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserSkipReason, startBrowserPage } from '../browser-page.js';
import type { BrowserPage } from '../browser-page.js';

if (browserSkipReason) console.warn(`browser harness tests skipped: ${browserSkipReason}`);
const here = dirname(fileURLToPath(import.meta.url));

describe.skipIf(browserSkipReason !== undefined)('startBrowserPage', () => {
  let browser: BrowserPage;

  beforeAll(async () => {
    browser = await startBrowserPage({ entry: join(here, 'loads-builtin-page.ts'), title: 'loads a builtin' });
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('records a node:* module the page loads at run time, and isolates only /', async () => {
    expect(browser.bundleNodeImports).toEqual([]);
    const isolated = await browser.open('/', 'builtinLoad');
    expect(await isolated.evaluate(() => (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated)).toBe(true);
    expect(await isolated.evaluate(() => (globalThis as unknown as { builtinLoad: string }).builtinLoad)).toMatch(/^TypeError: .*node-builtin\/os/);
    expect(browser.nodeBuiltinLoads).toEqual(['node:os']);
    const plain = await browser.open('/plain', 'builtinLoad');
    expect(await plain.evaluate(() => (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated)).toBe(false);
    expect(browser.nodeBuiltinLoads).toEqual(['node:os', 'node:os']);
    expect(browser.pageErrors).toEqual([]);
  });
});
