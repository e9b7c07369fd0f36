// What an edition says about itself where it is shown (the portal's pages, the report's cover, the open
// data): its title, catch copy, lead and 出典 line, as the admin types them on 「版の表示」. They are stored
// as given: nothing is composed (no 出典 made up from the organization's name), and an empty one is none.
// One command through editionWrite, so a published edition refuses until it is reopened.
import { createHash } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Db, DbOrTx } from './client.ts';
import * as t from './schema.ts';
import { allow, editionOf, editionWrite, WorkspaceError } from './command.ts';
import type { EditionInfo } from '../domain/model.ts';
import type { Actor } from '../domain/roles.ts';

export type EditionDisplay = Pick<EditionInfo, 'title' | 'tagline' | 'lead' | 'source'>;

export const DISPLAY_FIELDS = ['title', 'tagline', 'lead', 'source'] as const;

/** Limits of each text, in characters; the title and the 出典 are printed on one line. */
const LIMITS: Record<keyof EditionDisplay, { label: string; max: number; oneLine: boolean }> = {
  title: { label: '版の題名', max: 200, oneLine: true },
  tagline: { label: 'キャッチコピー', max: 300, oneLine: false },
  lead: { label: 'リード文', max: 4000, oneLine: false },
  source: { label: '出典', max: 300, oneLine: true },
};

/** A fingerprint of the texts a form was shown with: a save made from other texts than the stored ones is refused. */
export function displayBasis(d: EditionDisplay): string {
  return createHash('sha1')
    .update(JSON.stringify(DISPLAY_FIELDS.map((f) => d[f])))
    .digest('hex')
    .slice(0, 16);
}

async function storedDisplay(db: DbOrTx, editionId: number): Promise<EditionDisplay> {
  const [e] = await db
    .select({ title: t.editions.title, tagline: t.editions.tagline, lead: t.editions.lead, source: t.editions.source })
    .from(t.editions)
    .where(eq(t.editions.id, editionId));
  return e!;
}

/** The edition's display texts as stored, its state, and the basis a form of them carries. */
export async function readEditionDisplay(
  db: DbOrTx,
  actor: Actor,
  fiscalYear: number,
): Promise<{ display: EditionDisplay; state: 'draft' | 'published'; basis: string }> {
  allow(actor, 'manage');
  const ref = await editionOf(db, actor, fiscalYear);
  const display = await storedDisplay(db, ref.editionId);
  return { display, state: ref.state, basis: displayBasis(display) };
}

/** The texts as they are stored: line ends unified, blank edges gone, an empty optional text none. */
export function normalizeDisplay(fields: EditionDisplay): EditionDisplay {
  const clean = (s: string | null) => (s ?? '').replace(/\r\n?/g, '\n').trim();
  return {
    title: clean(fields.title),
    tagline: clean(fields.tagline) || null,
    lead: clean(fields.lead) || null,
    source: clean(fields.source) || null,
  };
}

/** Field → message for texts the edition cannot hold; empty when all are fine. */
export function displayErrors(d: EditionDisplay): Partial<Record<keyof EditionDisplay, string>> {
  const errors: Partial<Record<keyof EditionDisplay, string>> = {};
  if (!d.title) errors.title = '版の題名を入力してください';
  for (const f of DISPLAY_FIELDS) {
    const v = d[f] ?? '';
    const { label, max, oneLine } = LIMITS[f];
    if (v.length > max) errors[f] ??= `${label}は${max.toLocaleString('ja-JP')}文字までです`;
    if (oneLine && v.includes('\n')) errors[f] ??= `${label}は1行で入力してください`;
    if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/.test(v)) errors[f] ??= `${label}に使えない制御文字が含まれています`;
  }
  return errors;
}

/** Someone saved the display texts after this form was shown: the form comes back with what is stored now. */
export class DisplayConflictError extends WorkspaceError {
  constructor(
    readonly current: EditionDisplay,
    readonly basis: string,
  ) {
    super('この版の表示は、このフォームを開いた後に別の人が変更しました。いま保存されている内容を確かめて、もう一度保存してください', 409);
    this.name = 'DisplayConflictError';
  }
}

/**
 * Stores the edition's title, catch copy, lead and 出典 as given. `basis` is the fingerprint the form was
 * shown with (displayBasis), null to skip the check (the command line). Saving what is stored writes
 * nothing. Returns whether anything changed.
 */
export async function saveEditionDisplay(db: Db, actor: Actor, fiscalYear: number, basis: string | null, fields: EditionDisplay): Promise<boolean> {
  // Permission before validation: someone who may not change the edition learns nothing from the texts' errors.
  allow(actor, 'manage');
  const next = normalizeDisplay(fields);
  const errors = Object.values(displayErrors(next));
  if (errors.length) throw new WorkspaceError(errors.join('\n'));
  return editionWrite(db, actor, fiscalYear, 'edition:display', async (tx, ref) => {
    const before = await storedDisplay(tx, ref.editionId);
    const changed = DISPLAY_FIELDS.filter((f) => before[f] !== next[f]);
    if (!changed.length) return { summary: '', entries: [], value: false, unchanged: true };
    if (basis !== null && basis !== displayBasis(before)) throw new DisplayConflictError(before, displayBasis(before));
    await tx.update(t.editions).set({ title: next.title, tagline: next.tagline, lead: next.lead, source: next.source }).where(eq(t.editions.id, ref.editionId));
    const pick = (d: EditionDisplay) => Object.fromEntries(changed.map((f) => [f, d[f]]));
    return {
      summary: `${fiscalYear} 版の表示（${changed.map((f) => LIMITS[f].label).join('・')}）を変更`,
      entries: [{ entity: 'edition', entityKey: String(fiscalYear), action: 'update', before: pick(before), after: pick(next) }],
      value: true,
    };
  });
}
