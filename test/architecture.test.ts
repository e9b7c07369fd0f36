// The layering rules (README, Architecture; CONTRIBUTING.md) as a test over the import graph of src/:
//   - src/domain is pure: it imports nothing from db, web, import, export, report or cli, and no module
//     that does I/O (files, sockets, processes, databases, browsers, mail);
//   - src/web/public, src/web/api and src/report never import the staff workspace (src/web/admin);
//   - src/db never imports src/web.
// Static imports, re-exports, `import type` and dynamic `import('…')` all count. Pure: reads files only.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SRC = join(ROOT, 'src');

/** Modules that do I/O; src/domain may import none of them (with or without the `node:` prefix). */
const IO_MODULES = [
  'fs',
  'fs/promises',
  'net',
  'http',
  'https',
  'http2',
  'tls',
  'dgram',
  'dns',
  'child_process',
  'cluster',
  'worker_threads',
  'readline',
  'pg',
  '@electric-sql/pglite',
  'playwright-core',
  'nodemailer',
];

interface Edge {
  /** The importing file, relative to the repository root with forward slashes: "src/db/client.ts". */
  from: string;
  /** The specifier as written. */
  specifier: string;
  /** For a relative specifier, the imported file relative to the root; otherwise the package or builtin. */
  target: string;
  line: number;
}

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sourceFiles(path));
    else if (/\.(ts|tsx|js|mjs)$/.test(entry.name) && !entry.name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

const posix = (p: string) => p.split(sep).join('/');

/** Block comments and whole-line comments blanked out (newlines kept, so line numbers stay right). */
function withoutComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, (m) => m.replace(/[^\n]/g, ' ')).replace(/^[ \t]*\/\/.*$/gm, '');
}

const SPECIFIERS = [
  // import x from '…', import type { X } from '…', export { x } from '…', export * from '…' (multi-line too)
  /\b(?:import|export)\s+(?:type\s+)?[^'";]*?\bfrom\s*['"]([^'"]+)['"]/g,
  // import '…' (side effects only)
  /\bimport\s*['"]([^'"]+)['"]/g,
  // import('…'), await import("…")
  /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
];

export function importsOf(text: string): { specifier: string; line: number }[] {
  const code = withoutComments(text);
  const found = new Map<number, { specifier: string; line: number }>();
  for (const pattern of SPECIFIERS) {
    for (const m of code.matchAll(pattern)) {
      const at = m.index! + m[0].lastIndexOf(m[1]!);
      if (found.has(at)) continue;
      found.set(at, { specifier: m[1]!, line: code.slice(0, at).split('\n').length });
    }
  }
  return [...found.entries()].sort((a, b) => a[0] - b[0]).map(([, v]) => v);
}

function graph(): Edge[] {
  const edges: Edge[] = [];
  for (const file of sourceFiles(SRC)) {
    const from = posix(relative(ROOT, file));
    for (const { specifier, line } of importsOf(readFileSync(file, 'utf8'))) {
      const target = specifier.startsWith('.') ? posix(relative(ROOT, resolve(dirname(file), specifier))) : specifier.replace(/^node:/, '');
      edges.push({ from, specifier, target, line });
    }
  }
  return edges;
}

const under = (path: string, folder: string) => path === folder || path.startsWith(`${folder}/`);
const show = (e: Edge) => `${e.from}:${e.line} imports '${e.specifier}'`;

interface Rule {
  name: string;
  applies: (from: string) => boolean;
  forbidden: (target: string) => boolean;
}

const RULES: Rule[] = [
  {
    name: 'src/domain imports nothing from db, web, import, export, report or cli',
    applies: (from) => under(from, 'src/domain'),
    forbidden: (target) => ['db', 'web', 'import', 'export', 'report', 'cli'].some((f) => under(target, `src/${f}`)),
  },
  {
    name: 'src/domain imports no I/O module',
    applies: (from) => under(from, 'src/domain'),
    forbidden: (target) => IO_MODULES.some((m) => target === m || target.startsWith(`${m}/`)),
  },
  {
    name: 'src/web/public, src/web/api and src/report never import src/web/admin',
    applies: (from) => ['src/web/public', 'src/web/api', 'src/report'].some((f) => under(from, f)),
    forbidden: (target) => under(target, 'src/web/admin'),
  },
  {
    name: 'src/db never imports src/web',
    applies: (from) => under(from, 'src/db'),
    forbidden: (target) => under(target, 'src/web'),
  },
];

const edges = graph();

test('the import reader sees every form of import', () => {
  const text = [
    "import { a } from './a.ts';",
    "import type { B } from '../b.ts';",
    'import {',
    '  c,',
    "} from 'node:fs';",
    "export { d } from './d.ts';",
    "export * from './e.ts';",
    "import './f.ts';",
    "const g = await import('../g.ts');",
    "// import { h } from './h.ts';",
    "/* import { i } from './i.ts'; */",
    "const url = 'http://example.org/';",
  ].join('\n');
  assert.deepEqual(
    importsOf(text).map((i) => `${i.line} ${i.specifier}`),
    ['1 ./a.ts', '2 ../b.ts', '5 node:fs', '6 ./d.ts', '7 ./e.ts', '8 ./f.ts', '9 ../g.ts'],
  );
});

test('the graph covers src/', () => {
  // A reader that silently found nothing would pass every rule below.
  assert.ok(edges.some((e) => e.from === 'src/db/initiatives.ts' && e.target === 'src/db/workspace-read.ts'));
  assert.ok(
    edges.some((e) => e.from === 'src/cli/main.ts' && e.target === 'src/web/server.ts'),
    'dynamic import seen',
  );
  assert.ok(edges.some((e) => e.from === 'src/db/client.ts' && e.target === 'fs'));
});

for (const rule of RULES) {
  test(rule.name, () => {
    const broken = edges.filter((e) => rule.applies(e.from) && rule.forbidden(e.target)).map(show);
    assert.deepEqual(broken, [], `${rule.name}:\n  ${broken.join('\n  ')}`);
  });
}
