// Child process for the portal benchmark: the real app on the sample, plus /__static/* serving the very
// bytes of those pages as a plain in-memory response from the same Node process — the baseline.
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { openDatabase } from '../src/db/client.ts';
import { loadSample, sampleDocument } from '../src/db/sample.ts';
import { createApp } from '../src/web/app.tsx';

const database = await openDatabase({ dataDir: 'memory://' });
await loadSample(database.db);
const app = createApp({ database });
const key = sampleDocument().doc.data.initiatives.find((i) => i.number === '08')!.key;
const pages = { initiative: `/o/082023/2023/initiatives/${key}`, overview: '/o/082023/2023' };
const bytes: Record<string, string> = {};
for (const [name, path] of Object.entries(pages)) bytes[name] = await (await app.request(path, { headers: { 'accept-language': 'ja' } })).text();
const outer = new Hono();
outer.get('/__static/:name', (c) => c.html(bytes[c.req.param('name')] ?? ''));
outer.route('/', app);
const server = serve({ fetch: outer.fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
  process.send!({ port: info.port, pages, sizes: Object.fromEntries(Object.entries(bytes).map(([k, v]) => [k, Buffer.byteLength(v)])) });
});
process.on('message', async (m) => {
  if (m === 'stop') {
    server.close();
    await database.close();
    process.exit(0);
  }
});
