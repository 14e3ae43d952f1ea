import { createRequire } from 'node:module';
import { Resvg } from '@resvg/resvg-js';
import PDFDocument from 'pdfkit';
import SVGtoPDF from 'svg-to-pdfkit';
import type { TopLevelSpec } from 'vega-lite';
import { renderSvg } from './plot-results.js';

/** A file format the plots are written in. */
export type PlotFormat = 'svg' | 'png' | 'pdf';

/** The plot formats: SVG (Vega's own output), PNG (rasterised by resvg) and PDF (vector, through PDFKit). */
export const PLOT_FORMATS: readonly PlotFormat[] = ['svg', 'png', 'pdf'];

/** Options for {@link svgToPng}, {@link svgToPdf} and {@link renderPlot}. */
export interface RenderPlotOptions {
  /** PNG pixels per SVG pixel (2 gives a sharp figure at print size). @default 2 */
  readonly scale?: number;
  /** PDF document title (its `Title` metadata). @default none */
  readonly title?: string;
}

/** Paths of the TrueType fonts the PNG and PDF renderers embed: DejaVu Sans from the `dejavu-fonts-ttf` package. */
export function plotFontFiles(): { readonly regular: string; readonly bold: string } {
  const require = createRequire(import.meta.url);
  return {
    regular: require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf'),
    bold: require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf'),
  };
}

function svgSize(svg: string): { width: number; height: number } {
  const open = /<svg\b[^>]*>/.exec(svg)?.[0] ?? '';
  const width = Number(/\bwidth="([\d.]+)"/.exec(open)?.[1]);
  const height = Number(/\bheight="([\d.]+)"/.exec(open)?.[1]);
  if (!(width > 0 && height > 0)) throw new RangeError('the SVG has no width and height in pixels on its <svg> element');
  return { width, height };
}

function checkScale(scale: number): number {
  if (!(Number.isFinite(scale) && scale > 0 && scale <= 16)) throw new RangeError(`PNG scale must be a number in (0, 16], got ${scale}`);
  return scale;
}

/**
 * Rasterises an SVG to PNG with resvg; text is set in the embedded DejaVu Sans (system fonts are not
 * read, so the output is the same on every machine). The PNG is the SVG's size times `scale`.
 */
export function svgToPng(svg: string, options: RenderPlotOptions = {}): Buffer {
  const scale = checkScale(options.scale ?? 2);
  const fonts = plotFontFiles();
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: scale },
    font: {
      loadSystemFonts: false,
      fontFiles: [fonts.regular, fonts.bold],
      defaultFontFamily: 'DejaVu Sans',
      sansSerifFamily: 'DejaVu Sans',
    },
  });
  return resvg.render().asPng();
}

/**
 * Converts an SVG to a one-page vector PDF the size of the SVG (1 px = 1 pt) with PDFKit and
 * svg-to-pdfkit; text is set in the embedded (subset) DejaVu Sans.
 */
export async function svgToPdf(svg: string, options: RenderPlotOptions = {}): Promise<Buffer> {
  const { width, height } = svgSize(svg);
  const fonts = plotFontFiles();
  const doc = new PDFDocument({
    size: [width, height],
    margin: 0,
    info: { Creator: '@topiary/bench', ...(options.title !== undefined ? { Title: options.title } : {}) },
  });
  doc.registerFont('plot-regular', fonts.regular);
  doc.registerFont('plot-bold', fonts.bold);
  const chunks: Buffer[] = [];
  const finished = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  SVGtoPDF(doc, svg, 0, 0, {
    width,
    height,
    assumePt: true,
    fontCallback: (_family: string, bold: boolean) => (bold ? 'plot-bold' : 'plot-regular'),
  });
  doc.end();
  return finished;
}

/** Renders a Vega-Lite spec in one format: an SVG string, or PNG or PDF bytes. */
export async function renderPlot(spec: TopLevelSpec, format: 'svg', options?: RenderPlotOptions): Promise<string>;
/** Renders a Vega-Lite spec as PNG or PDF bytes. */
export async function renderPlot(spec: TopLevelSpec, format: 'png' | 'pdf', options?: RenderPlotOptions): Promise<Buffer>;
/** Renders a Vega-Lite spec in one format: an SVG string, or PNG or PDF bytes. */
export async function renderPlot(spec: TopLevelSpec, format: PlotFormat, options?: RenderPlotOptions): Promise<string | Buffer>;
export async function renderPlot(spec: TopLevelSpec, format: PlotFormat, options: RenderPlotOptions = {}): Promise<string | Buffer> {
  const svg = await renderSvg(spec);
  switch (format) {
    case 'svg':
      return svg;
    case 'png':
      return svgToPng(svg, options);
    case 'pdf':
      return svgToPdf(svg, options);
  }
}
