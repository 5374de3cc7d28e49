// The customer's entry routes under 300 KB of gzipped JavaScript (issue 11): the JavaScript
// a browser loads for /console/sign-in (where a customer who is not signed in lands) and for
// /console/ (the dashboard, after signing in), computed from the build's manifest: the entry
// chunk, the route's chunk, and every chunk they import statically, each gzipped as icpd
// sends it (the .gz beside it, level 9).
//
// Usage: node entry_size.mjs BUILD_DIR    (exit 1 when a route is over the limit)
import { readFileSync, existsSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';

const dir = process.argv[2];
const LIMIT = 300 * 1024;
const manifest = JSON.parse(readFileSync(join(dir, '.vite', 'manifest.json'), 'utf8'));
const entryKey = Object.keys(manifest).find((k) => manifest[k].isEntry);
if (!entryKey) throw new Error('no entry in the manifest');

function closure(keys) {
  const seen = new Set();
  const walk = (k) => {
    if (seen.has(k)) return;
    seen.add(k);
    for (const i of manifest[k].imports ?? []) walk(i);
  };
  keys.forEach(walk);
  return [...seen].map((k) => manifest[k].file).filter((f) => f.endsWith('.js'));
}

function gzipped(file) {
  const gz = join(dir, file + '.gz');
  return existsSync(gz) ? readFileSync(gz).length : gzipSync(readFileSync(join(dir, file)), { level: 9 }).length;
}

let failed = false;
for (const [route, view] of [['/console/sign-in', 'src/views/SignIn.vue'], ['/console/', 'src/views/Dashboard.vue']]) {
  if (!manifest[view]) throw new Error(`${view} is not a chunk of the build`);
  const files = closure([entryKey, view]);
  const bytes = files.reduce((n, f) => n + gzipped(f), 0);
  const ok = bytes <= LIMIT;
  failed ||= !ok;
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${route}: ${(bytes / 1024).toFixed(1)} KB gzipped JavaScript in ${files.length} files (limit ${LIMIT / 1024} KB)`);
}
process.exit(failed ? 1 : 0);
