// Small things an attacker or a careless copy finds: inherited property names as asset names, HSTS on
// https, a UTF-8 file cut in the middle of a character.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createApp } from '../../src/web/app.tsx';
import { openDatabase } from '../../src/db/client.ts';
import { decodePlanBytes, PlanTextError } from '../../src/import/plan-text.ts';
import { utf8CutMidCharacter } from '../../src/domain/encoding.ts';

test('asset names that are properties of every object are unknown assets, not cached for a year', async () => {
  const database = await openDatabase({ dataDir: 'memory://' });
  try {
    const app = createApp({ database });
    for (const name of ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf']) {
      const res = await app.request(`/static/${name}`);
      assert.equal(res.status, 404, name);
      assert.doesNotMatch(res.headers.get('cache-control') ?? '', /immutable/, name);
      assert.equal(res.headers.get('etag'), null, name);
    }
    const css = await app.request('/static/site.css');
    assert.equal(css.status, 200);
    assert.match(css.headers.get('etag') ?? '', /^"[0-9a-f]{10}"$/);
    // HSTS over https only (browsers ignore it over http anyway).
    assert.match((await app.request('https://shisaku.example.jp/')).headers.get('strict-transport-security') ?? '', /max-age=31536000/);
    assert.equal((await app.request('http://localhost/')).headers.get('strict-transport-security'), null);
  } finally {
    await database.close();
  }
});

test('a UTF-8 file cut in the middle of a character is reported as truncated, not as an unknown encoding', () => {
  const whole = new TextEncoder().encode('日立市デジタル化推進アクションプラン2023\n施策');
  for (const cut of [1, 2]) {
    const bytes = whole.subarray(0, whole.length - cut);
    assert.equal(utf8CutMidCharacter(bytes), true);
    assert.throws(
      () => decodePlanBytes(bytes),
      (e: unknown) => e instanceof PlanTextError && /途中で切れています/.test(e.message),
    );
  }
  assert.equal(utf8CutMidCharacter(whole), false);
  // Shift_JIS is not mistaken for a truncated UTF-8 file.
  assert.equal(utf8CutMidCharacter(new Uint8Array([0x93, 0xfa, 0x97, 0xa7])), false);
});
