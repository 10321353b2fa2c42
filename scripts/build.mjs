// Compiles the TypeScript to dist/, builds the search page (web/, with Vite) into dist/web, and
// records when. With --if-stale it builds only when a source is newer than the last build, so
// `npm start`, `npm run serve` and `npm run ingest` start in seconds once built (`npm ci` builds
// through `prepare`). Plain JavaScript: it runs before anything is compiled.
import { spawnSync } from 'node:child_process';
import { chmodSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const stamp = 'dist/.build-stamp';
const inputs = ['src', 'web', 'tsconfig.json', 'tsconfig.build.json', 'package.json'];

function newestChange(path) {
  const info = statSync(path);
  if (!info.isDirectory()) return info.mtimeMs;
  return Math.max(info.mtimeMs, ...readdirSync(path).map((name) => newestChange(join(path, name))));
}

function lastBuild() {
  try {
    return statSync(stamp).mtimeMs;
  } catch {
    return 0;
  }
}

if (process.argv.includes('--if-stale') && Math.max(...inputs.map(newestChange)) <= lastBuild()) process.exit(0);
const compiled = spawnSync('tsc', ['-p', 'tsconfig.build.json'], { stdio: 'inherit', shell: process.platform === 'win32' });
if (compiled.status !== 0) process.exit(compiled.status ?? 1);
// The package's bin (`paper-search`): tsc does not keep the executable bit.
chmodSync('dist/cli/main.js', 0o755);
const page = spawnSync('vite', ['build', '--config', 'web/vite.config.ts', '--logLevel', 'warn'], { stdio: 'inherit', shell: process.platform === 'win32' });
if (page.status !== 0) process.exit(page.status ?? 1);
writeFileSync(stamp, `${new Date().toISOString()}\n`);
