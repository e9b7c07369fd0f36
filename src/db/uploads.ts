// Uploaded spreadsheets waiting between their preview and the admin's "apply". The file is kept, not the
// preview: apply reads it again against the edition, so any server process can finish an upload and a
// restart loses nothing. An upload lapses after 30 minutes.
import { randomBytes } from 'node:crypto';
import { and, eq, gt, lt } from 'drizzle-orm';
import type { DbOrTx } from './client.ts';
import * as t from './schema.ts';
import { allow } from './workspace.ts';
import type { Actor } from '../domain/roles.ts';

const LIFETIME_MS = 30 * 60_000;

export interface PendingUpload {
  id: string;
  fiscalYear: number;
  filename: string;
  content: Uint8Array;
  /** The edition stamp the preview was made against; apply refuses when the edition changed since. */
  stamp: string;
}

export async function keepUpload(db: DbOrTx, actor: Actor, upload: Omit<PendingUpload, 'id'>, now = new Date()): Promise<string> {
  allow(actor, 'manage');
  const id = randomBytes(16).toString('hex');
  await db.delete(t.pendingUploads).where(lt(t.pendingUploads.createdAt, new Date(now.getTime() - LIFETIME_MS)));
  await db.insert(t.pendingUploads).values({ id, userId: actor.id, ...upload, content: Buffer.from(upload.content), createdAt: now });
  return id;
}

/** The actor's own upload for that year, while it has not lapsed; null otherwise. */
export async function findUpload(db: DbOrTx, actor: Actor, fiscalYear: number, id: string, now = new Date()): Promise<PendingUpload | null> {
  allow(actor, 'manage');
  if (!/^[0-9a-f]{32}$/.test(id)) return null;
  const [row] = await db
    .select()
    .from(t.pendingUploads)
    .where(
      and(
        eq(t.pendingUploads.id, id),
        eq(t.pendingUploads.userId, actor.id),
        eq(t.pendingUploads.fiscalYear, fiscalYear),
        gt(t.pendingUploads.createdAt, new Date(now.getTime() - LIFETIME_MS)),
      ),
    );
  return row ? { id: row.id, fiscalYear: row.fiscalYear, filename: row.filename, content: new Uint8Array(row.content), stamp: row.stamp } : null;
}

export async function dropUpload(db: DbOrTx, id: string): Promise<void> {
  await db.delete(t.pendingUploads).where(eq(t.pendingUploads.id, id));
}
