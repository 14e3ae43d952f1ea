import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { aggregateRuns } from '../aggregate-runs.js';
import { accuracyVsSparsitySpec, accuracyVsTrainingFlopsSpec, OKABE_ITO, PAPER_SHAPES, renderSvg } from '../plot-results.js';
import { renderPlot, svgToPdf, svgToPng } from '../render-plot.js';
import { PLOT_FILES, writePlots } from '../write-plots.js';
import { makeRecord } from './make-record.js';

const records = [
  ...['rigl', 'set'].flatMap((method, m) =>
    [0.9, 0.95, 0.98].flatMap((sparsity, s) =>
      [0, 1].map((seed) =>
        makeRecord({ method, sparsity, seed, accuracy: 0.88 - 0.02 * m - 0.03 * s + 0.01 * seed, index: m * 6 + s * 2 + seed, suite: 'fmnist' }),
      ),
    ),
  ),
  makeRecord({ method: 'dense', sparsity: 0, seed: 0, accuracy: 0.9, index: 20, axes: { method: 'dense', seed: 0 }, suite: 'fmnist' }),
];
const table = aggregateRuns(records);

/** Width and height from a PNG's IHDR chunk, after checking the signature. */
function pngSize(png: Buffer): { width: number; height: number } {
  expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  expect(png.subarray(12, 16).toString('latin1')).toBe('IHDR');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

function svgSize(svg: string): { width: number; height: number } {
  const [, width, height] = /<svg[^>]*width="(\d+)" height="(\d+)"/.exec(svg)!;
  return { width: Number(width), height: Number(height) };
}

describe('paper style', () => {
  const spec = accuracyVsSparsitySpec(table, { style: 'paper', subtitle: 'fmnist' });
  const json = JSON.stringify(spec);

  it('has a descriptive title, print fonts, the Okabe–Ito palette, point markers with shapes and a percent sparsity axis', () => {
    expect(spec.title).toEqual({ text: 'Test accuracy vs. sparsity', subtitle: 'fmnist' });
    expect(json).toContain(JSON.stringify(OKABE_ITO));
    expect(json).toContain(JSON.stringify(PAPER_SHAPES));
    expect(json).toContain('"format":".1~%"');
    expect(json).toContain('"values":[0.9,0.95,0.98]');
    expect(json).toMatch(/"mark":\{"type":"point","filled":true/);
    expect(json).toMatch(/"shape":\{"field":"series"/);
    expect(spec.config?.axis?.labelFontSize).toBeGreaterThanOrEqual(12);
    expect(spec.config?.title?.fontSize).toBeGreaterThanOrEqual(14);
  });

  it('renders ticks as percentages, a marker per point and the dense run as a labelled rule', async () => {
    const svg = await renderSvg(spec);
    for (const tick of ['90%', '95%', '98%']) expect(svg).toMatch(new RegExp(`<text[^>]*>${tick}</text>`));
    expect(svg).toContain('Test accuracy vs. sparsity');
    expect(svg).toContain('#0072B2');
    expect(svg).toContain('#D55E00');
    expect(svg.match(/aria-roledescription="point"/g) ?? []).toHaveLength(6);
    expect(svg.match(/aria-roledescription="rule mark"[^>]*stroke-dasharray/g) ?? []).toHaveLength(1);
    expect(svg).toMatch(/aria-roledescription="text mark"[^>]*>dense<\/text>/);
  });

  it('keeps a user title and a log FLOPs axis', () => {
    const flops = accuracyVsTrainingFlopsSpec(table, { style: 'paper', title: 'LeNet-300-100' });
    expect(flops.title).toEqual({ text: 'LeNet-300-100' });
    expect(JSON.stringify(flops)).toContain('"type":"log"');
    expect(JSON.stringify(flops)).toContain('Training FLOPs (× dense)');
  });
});

describe('PNG and PDF', () => {
  it('rasterises to a PNG of the SVG size times the scale', async () => {
    const svg = await renderSvg(accuracyVsSparsitySpec(table, { style: 'paper' }));
    const size = svgSize(svg);
    expect(pngSize(svgToPng(svg))).toEqual({ width: 2 * size.width, height: 2 * size.height });
    expect(pngSize(svgToPng(svg, { scale: 1 }))).toEqual(size);
    expect(() => svgToPng(svg, { scale: 0 })).toThrow(/PNG scale must be a number in \(0, 16\], got 0/);
  });

  it('sets text in PNGs: the same plot without its title has fewer dark pixels', async () => {
    // A rough check that glyphs are drawn at all (resvg draws no text when it finds no font).
    const withTitle = svgToPng(await renderSvg(accuracyVsSparsitySpec(table, { title: 'A long title for the test' })), { scale: 1 });
    const withoutTitle = svgToPng(await renderSvg(accuracyVsSparsitySpec(table, { title: '' })), { scale: 1 });
    expect(withTitle.length).toBeGreaterThan(withoutTitle.length + 500);
  });

  it('converts to a one-page vector PDF the size of the SVG, with the title and an embedded font', async () => {
    const svg = await renderSvg(accuracyVsSparsitySpec(table, { style: 'paper' }));
    const { width, height } = svgSize(svg);
    const pdf = (await svgToPdf(svg, { title: 'Test accuracy vs. sparsity' })).toString('latin1');
    expect(pdf.startsWith('%PDF-')).toBe(true);
    expect(pdf.match(/\/Type \/Page\b/g) ?? []).toHaveLength(1);
    expect(pdf).toContain(`/MediaBox [0 0 ${width} ${height}]`);
    expect(pdf).toContain('(Test accuracy vs. sparsity)');
    expect(pdf).toContain('/FontFile2');
    expect(pdf).toMatch(/\/BaseFont \/[A-Z]{6}\+DejaVuSans-Bold/);
    expect(pdf.trimEnd().endsWith('%%EOF')).toBe(true);
  });

  it('renders a spec in each format', async () => {
    const spec = accuracyVsTrainingFlopsSpec(table);
    expect((await renderPlot(spec, 'svg')).startsWith('<svg')).toBe(true);
    expect((await renderPlot(spec, 'png')).subarray(1, 4).toString()).toBe('PNG');
    expect((await renderPlot(spec, 'pdf')).subarray(0, 5).toString()).toBe('%PDF-');
  });
});

describe('writePlots', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });
  async function outDir(): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'topiary-plots-'));
    dirs.push(dir);
    return dir;
  }

  it('writes SVG only by default, as before', async () => {
    const dir = await outDir();
    const files = await writePlots(records, dir);
    expect(files).toEqual([join(dir, PLOT_FILES.sparsity), join(dir, PLOT_FILES.trainingFlops)]);
    expect((await readdir(dir)).sort()).toEqual([PLOT_FILES.sparsity, PLOT_FILES.trainingFlops]);
    expect(await readFile(files[0]!, 'utf8')).toContain('fmnist');
  });

  it('writes every format asked for in the paper style, with the suite as subtitle', async () => {
    const dir = await outDir();
    const files = await writePlots(records, dir, { formats: ['svg', 'png', 'pdf'], style: 'paper', scale: 1 });
    expect(files.map((file) => file.slice(dir.length + 1))).toEqual([
      'accuracy-vs-sparsity.svg',
      'accuracy-vs-sparsity.png',
      'accuracy-vs-sparsity.pdf',
      'accuracy-vs-training-flops.svg',
      'accuracy-vs-training-flops.png',
      'accuracy-vs-training-flops.pdf',
    ]);
    const svg = await readFile(files[0]!, 'utf8');
    expect(svg).toContain('Test accuracy vs. sparsity');
    expect(svg).toMatch(/<text[^>]*>fmnist<\/text>/);
    expect(pngSize(await readFile(files[1]!))).toEqual(svgSize(svg));
    expect((await readFile(files[5]!, 'latin1'))).toContain('(Test accuracy vs. training FLOPs)');
  });

  it('refuses unknown formats and styles, naming them and what is allowed', async () => {
    const dir = await outDir();
    // @ts-expect-error an unknown format, as from untyped callers
    await expect(writePlots(records, dir, { formats: ['svg', 'gif'] })).rejects.toThrow('unknown plot format "gif": allowed are svg, png, pdf');
    // @ts-expect-error an unknown style
    await expect(writePlots(records, dir, { style: 'fancy' })).rejects.toThrow('unknown plot style "fancy": allowed are default, paper');
    await expect(writePlots(records, dir, { formats: [] })).rejects.toThrow('no plot format given: allowed are svg, png, pdf');
    expect(await readdir(dir)).toEqual([]);
  });
});
