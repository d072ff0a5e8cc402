#!/usr/bin/env node
// `npm run cli` and `npm start` run this first: it compiles dist/ when it is missing OR older than any source, so the
// CLI never runs yesterday's code after a `git pull` (it reads the same stores as the app: a stale CLI
// could misread events the new code writes). Plain JavaScript because it must run before any build.
// Everything it prints goes to stderr, so `npm run --silent cli -- … > file` keeps the file clean.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import process from 'node:process';
import { fileURLToPath, URL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const output = join(root, 'dist', 'src', 'cli', 'main.js');
// What tsconfig.build.json compiles, and the configs that shape the output.
const sourceDirs = ['src', 'scripts', join('test', 'support')].map((d) => join(root, d));
const configFiles = ['tsconfig.json', 'tsconfig.build.json'].map((f) => join(root, f));

/** Newest modification time (ms) of the .ts files under `dir`. */
function newestTs(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestTs(path));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

function staleReason() {
  if (!existsSync(output)) return 'dist/ is missing';
  // An installation of the compiled app alone (the Docker image) has no sources: nothing to compare.
  if (!existsSync(join(root, 'src'))) return undefined;
  const built = statSync(output).mtimeMs;
  const newestSource = Math.max(
    ...sourceDirs.filter((d) => existsSync(d)).map(newestTs),
    ...configFiles.filter((f) => existsSync(f)).map((f) => statSync(f).mtimeMs),
  );
  return newestSource > built ? 'sources changed since the last build' : undefined;
}

const reason = staleReason();
if (reason) {
  process.stderr.write(`building dist/ (${reason})…\n`);
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  // tsc reports errors on stdout: send them to stderr with everything else.
  const result = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { cwd: root, stdio: ['ignore', 2, 2] });
  if (result.status !== 0) {
    process.stderr.write('error: the build failed (see above); the CLI did not run\n');
    process.exit(3);
  }
}
