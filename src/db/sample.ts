// The bundled sample plan (出典: 日立市), loaded into an empty database by `npm start` and by tests.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Db } from './client.ts';
import { saveEdition } from './repository.ts';
import { parsePlanText, type ParsedPlanDocument } from '../import/plan-text.ts';

export const SAMPLE = {
  file: fileURLToPath(new URL('../../data-sample/hitachi-2023/plan.txt', import.meta.url)),
  filename: 'hitachi-dx-action-plan-2023.txt',
  organization: { code: '082023', name: '日立市' },
  fiscalYear: 2023,
  title: '日立市デジタル化推進アクションプラン2023',
  // The attribution the sample ships with (data-sample/hitachi-2023/SOURCE.md); the text's cover prints none.
  source: '出典: 日立市「日立市デジタル化推進アクションプラン2023」',
} as const;

let cached: { text: string; doc: ParsedPlanDocument } | null = null;

/** The parsed sample; parsed once per process since every test file wants it. */
export function sampleDocument(): { text: string; doc: ParsedPlanDocument } {
  if (!cached) {
    const text = readFileSync(SAMPLE.file, 'utf8');
    const doc = parsePlanText(text, {
      organization: { ...SAMPLE.organization },
      fiscalYear: SAMPLE.fiscalYear,
      source: SAMPLE.source,
      filename: SAMPLE.filename,
    });
    cached = { text, doc };
  }
  return { text: cached.text, doc: structuredClone(cached.doc) };
}

export async function loadSample(db: Db, opts: { replace?: boolean } = {}) {
  const { text, doc } = sampleDocument();
  return saveEdition(db, doc.data, {
    replace: opts.replace,
    actor: 'sample',
    source: 'import:plan-text',
    sourceDocument: { format: 'plan-text', filename: SAMPLE.filename, content: text },
  });
}
