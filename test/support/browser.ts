import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { arch, platform, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import Chromium from '@sparticuz/chromium';
import { chromium, type Browser } from 'playwright-core';

/**
 * A real headless Chromium for browser tests, with nothing to install beyond `npm ci`.
 *
 * The browser is the one shipped inside the `@sparticuz/chromium` npm package (brotli files in
 * node_modules, Linux x64). The package extracts them into `os.tmpdir()` and skips extraction whenever
 * `<tmpdir>/chromium` already exists, so a binary left there by another version runs against libraries
 * it was not built with and dies at launch ("eglGetProcAddress not found", SIGTRAP). We therefore never
 * share that spot: each package version is extracted into its own directory, built aside and renamed
 * into place only when complete, so a half-extracted or foreign binary is never launched — not even by
 * two test processes starting at once.
 *
 * `CHROMIUM_PATH` still overrides (a system Chromium or Chrome, e.g. on macOS or arm64, where the
 * packaged binary does not run).
 */

/** The package's own version (its `exports` hide package.json from require, so it is read from disk). */
const PACKAGE_VERSION = (
  JSON.parse(readFileSync(join(dirname(require.resolve('@sparticuz/chromium')), '..', '..', 'package.json'), 'utf8')) as { version: string }
).version;

/** Flags for a system browser given by CHROMIUM_PATH (the packaged one brings its own, `Chromium.args`). */
const SYSTEM_BROWSER_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const EXTRACT_SCRIPT = `require(${JSON.stringify(require.resolve('@sparticuz/chromium'))}).executablePath().then((p) => process.stdout.write(p))`;
const execFileAsync = promisify(execFile);

/** `tempRoot`: where the packaged browser is extracted (default: the OS temp directory). */
export async function launchHeadlessChromium(tempRoot = tmpdir()): Promise<Browser> {
  const systemPath = process.env.CHROMIUM_PATH;
  if (systemPath) {
    if (!existsSync(systemPath))
      throw new Error(`CHROMIUM_PATH=${systemPath} does not exist: unset it to use the browser shipped in @sparticuz/chromium`);
    return launchOrExplain(systemPath, SYSTEM_BROWSER_ARGS, {}, `the browser at CHROMIUM_PATH=${systemPath}`);
  }
  if (platform() !== 'linux' || arch() !== 'x64') {
    throw new Error(
      `@sparticuz/chromium ships a Linux x64 browser only (this is ${platform()} ${arch()}): set CHROMIUM_PATH to a local Chromium or Chrome`,
    );
  }
  const dir = await packagedChromiumDir(tempRoot);
  return launchOrExplain(
    join(dir, 'chromium'),
    Chromium.args,
    // Its fonts come extracted beside it; without them the browser dies on the first text it lays out.
    { FONTCONFIG_PATH: join(dir, 'fonts'), FONTCONFIG_FILE: fontConfigFile(dir) },
    `@sparticuz/chromium ${PACKAGE_VERSION} extracted in ${dir} (delete that directory to extract it again)`,
  );
}

/**
 * A fontconfig file naming the fonts extracted in `dir`. The package's own `fonts.conf` names fixed places
 * (`/tmp/fonts`, `/opt/fonts`…), where its default extraction puts them but ours (per version, see above)
 * does not: with it, the browser finds fonts only while some other copy happens to sit in `/tmp/fonts`,
 * and otherwise crashes (SIGTRAP, "SkFontMgr_FontConfigInterface … Not implemented") on the first text it
 * lays out. Written beside the fonts, atomically (several test processes may launch at once).
 */
function fontConfigFile(dir: string): string {
  const file = join(dir, 'feedbackbots-fonts.conf');
  const config = [
    '<?xml version="1.0"?>',
    '<!DOCTYPE fontconfig SYSTEM "fonts.dtd">',
    '<fontconfig>',
    `  <dir>${join(dir, 'fonts')}</dir>`,
    `  <cachedir>${join(dir, 'fonts-cache')}</cachedir>`,
    '</fontconfig>',
    '',
  ].join('\n');
  if (existsSync(file) && readFileSync(file, 'utf8') === config) return file;
  const partial = `${file}.${process.pid}.partial`;
  writeFileSync(partial, config);
  renameSync(partial, file);
  return file;
}

/** `<tempRoot>/feedbackbots-chromium-<version>`, extracted on first use. */
export async function packagedChromiumDir(tempRoot: string): Promise<string> {
  const finalDir = join(tempRoot, `feedbackbots-chromium-${PACKAGE_VERSION}`);
  if (existsSync(join(finalDir, 'chromium'))) return finalDir;
  mkdirSync(tempRoot, { recursive: true });
  const staging = mkdtempSync(join(tempRoot, `feedbackbots-chromium-${PACKAGE_VERSION}-partial-`));
  try {
    // The package extracts into os.tmpdir(): a child process whose TMPDIR is our staging directory makes
    // it extract there. (Changing TMPDIR in this process would not do: Jest gives tests a copy of env.)
    const { stdout } = await execFileAsync(process.execPath, ['-e', EXTRACT_SCRIPT], { env: { ...process.env, TMPDIR: staging } });
    if (stdout.trim() !== join(staging, 'chromium')) throw new Error(`it extracted to ${stdout.trim()}, not into ${staging}`);
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    throw new Error(
      `could not extract the Chromium shipped in @sparticuz/chromium ${PACKAGE_VERSION} (is node_modules complete? try npm ci): ${String(error)}`,
    );
  }
  try {
    renameSync(staging, finalDir);
  } catch {
    // Another process finished first: its copy is complete (renames are atomic); drop ours.
    rmSync(staging, { recursive: true, force: true });
    if (!existsSync(join(finalDir, 'chromium')))
      throw new Error(`${finalDir} exists but holds no chromium binary: delete that directory and run again`);
  }
  return finalDir;
}

async function launchOrExplain(executablePath: string, args: string[], env: Record<string, string>, what: string): Promise<Browser> {
  try {
    return await chromium.launch({ executablePath, args, headless: true, env: { ...process.env, ...env } });
  } catch (error) {
    const message = String(error instanceof Error ? error.message : error);
    // Playwright puts the browser's own complaint (a missing system library, a crash) further down.
    const missingLibrary = /error while loading shared libraries: [^\n]*/.exec(message)?.[0];
    const cause = missingLibrary ? `${missingLibrary} (install it, e.g. apt-get install libnss3)` : message.split('\n')[0];
    throw new Error(`headless Chromium did not start — ${what}: ${cause}`, { cause: error });
  }
}
