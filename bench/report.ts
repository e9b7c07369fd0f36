// Report figures: HTML of the whole sample edition (warm), PDF cold (browser start included) and warm.
import { sampleDocument } from '../src/db/sample.ts';
import { renderReportHtml } from '../src/report/html.ts';
import { closeBrowser, renderReportPdf } from '../src/report/pdf.ts';
import { editionToJson } from '../src/export/json.ts';
import { timeMs, type BenchResult } from './types.ts';

export async function benchReport(): Promise<BenchResult[]> {
  const data = sampleDocument().doc.data;
  const htmlMs = await timeMs(() => renderReportHtml(data), 20, 3);
  const jsonMs = await timeMs(() => JSON.stringify(editionToJson(data)), 20, 3);
  await closeBrowser();
  const t0 = performance.now();
  const cold = await renderReportPdf(data);
  const coldMs = performance.now() - t0;
  const warmMs = await timeMs(() => renderReportPdf(data), 3, 0);
  await closeBrowser();
  return [
    {
      name: 'report HTML, whole sample edition (warm)',
      value: htmlMs,
      unit: 'ms',
      baseline: { name: 'JSON export of the same edition', value: jsonMs },
      goal: { value: 100, direction: 'max' },
    },
    {
      name: 'report PDF cold (browser start + 2 passes: layout, then page numbers)',
      value: coldMs,
      unit: 'ms',
      goal: { value: 3000, direction: 'max' },
      note: `${cold.pages} pages, ${(cold.pdf.length / 1024).toFixed(0)} KiB`,
    },
    { name: 'report PDF warm (browser running, page map known: 1 pass)', value: warmMs, unit: 'ms', goal: { value: 1500, direction: 'max' } },
  ];
}
