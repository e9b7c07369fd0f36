// `shisaku report --org CODE --year YYYY --format html|pdf --out FILE [--diff-from YYYY]`
import { parseArgs } from 'node:util';
import type { Database } from '../db/client.ts';
import { loadEdition } from '../db/repository.ts';
import { validateOrgCode } from '../domain/org-code.ts';
import { diffEditions } from '../domain/edition-diff.ts';
import { renderReportHtml } from '../report/html.ts';
import { closeBrowser, renderReportPdf, writeAtomically } from '../report/pdf.ts';

function bar(step: string, fraction: number): void {
  if (!process.stderr.isTTY) return;
  const width = 30;
  const filled = Math.round(fraction * width);
  process.stderr.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${Math.round(fraction * 100)}% ${step}      `);
  if (fraction >= 1) process.stderr.write('\n');
}

export async function reportCommand(argv: string[], database: Database): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      org: { type: 'string' },
      year: { type: 'string' },
      format: { type: 'string', default: 'pdf' },
      out: { type: 'string' },
      'diff-from': { type: 'string' },
      timeout: { type: 'string', default: '60000' },
    },
    strict: true,
  });
  const org = values.org ?? '';
  const check = validateOrgCode(org);
  if (!check.ok) {
    process.stderr.write(`shisaku: ${check.reason} / ${check.reasonEn}\n`);
    return 2;
  }
  if (!values.year || !/^\d{4}$/.test(values.year)) {
    process.stderr.write('shisaku: --year YYYY が必要です / --year is required\n');
    return 2;
  }
  if (values.format !== 'html' && values.format !== 'pdf') {
    process.stderr.write(`shisaku: --format は html か pdf です（指定: ${values.format}） / --format must be html or pdf\n`);
    return 2;
  }
  if (!values.out) {
    process.stderr.write('shisaku: --out FILE が必要です / --out FILE is required\n');
    return 2;
  }
  const data = await loadEdition(database.db, org, Number(values.year));
  if (!data) {
    process.stderr.write(`shisaku: ${org} の ${values.year} 年度版はありません / no FY${values.year} edition for ${org}\n`);
    return 2;
  }
  let diff = null;
  if (values['diff-from']) {
    const earlier = await loadEdition(database.db, org, Number(values['diff-from']));
    if (!earlier) {
      process.stderr.write(`shisaku: 比較元の ${values['diff-from']} 年度版はありません / no FY${values['diff-from']} edition to compare with\n`);
      return 2;
    }
    diff = diffEditions(earlier, data);
  }
  if (values.format === 'html') {
    bar('HTML', 0.5);
    writeAtomically(values.out, renderReportHtml(data, { diff }));
    bar('完了', 1);
  } else {
    try {
      const { pdf, pages } = await renderReportPdf(data, { diff, onProgress: bar, timeoutMs: Number(values.timeout) });
      writeAtomically(values.out, pdf);
      process.stderr.write(`${values.out}: ${pages} ページ / pages\n`);
    } finally {
      await closeBrowser();
    }
  }
  return 0;
}
