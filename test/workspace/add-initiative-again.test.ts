// Adding an initiative that is refused (an unknown department) shows the form again with everything the
// admin typed and the reason, and adds nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backends } from '../helpers/db.ts';
import { loadEdition } from '../../src/db/repository.ts';
import { signIn, workspaceApp } from './helpers.ts';

for (const backend of backends) {
  test(`${backend.name}: a refused new initiative comes back with what was typed`, async () => {
    const { database, app } = await workspaceApp(backend);
    try {
      const admin = await signIn(app, 'admin');
      const before = await loadEdition(database.db, '082023', 2023);
      await admin.post('/admin/e/2023/reopen', { reason: '施策の追加' });
      const r = await admin.post('/admin/e/2023/initiatives', {
        title: '窓口予約のオンライン化',
        pillar: 'p3',
        subArea: '',
        departments: '存在しない課',
        content: '予約を24時間受け付ける。',
        plan: '予約システムを選ぶ。',
      });
      assert.equal(r.status, 400);
      assert.match(r.html, /存在しない課/);
      assert.match(r.html, /value="窓口予約のオンライン化"/);
      assert.match(r.html, /予約を24時間受け付ける。<\/textarea>/);
      assert.match(r.html, /予約システムを選ぶ。<\/textarea>/);
      assert.match(r.html, /<option value="p3" selected="">/);
      const after = await loadEdition(database.db, '082023', 2023);
      assert.equal(after!.initiatives.length, before!.initiatives.length);
    } finally {
      await database.close();
    }
  });
}
