import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { launchHeadlessChromium } from './support/browser';
import { makeTempDir } from './support/temp-dir';

/**
 * The browser the audit page tests drive arrives with `npm ci` (@sparticuz/chromium): a newcomer's
 * `npm test` needs no system Chromium, and a browser left in the temp directory by another version of
 * that package (which the package itself would reuse, and crash with) does not break it.
 */
describe('the headless browser used by the tests', () => {
  const temp = makeTempDir('feedbackbots-browser-');
  const savedPath = process.env.CHROMIUM_PATH;
  let browser: Browser | undefined;

  afterEach(async () => {
    await browser?.close();
    browser = undefined;
    if (savedPath === undefined) delete process.env.CHROMIUM_PATH;
    else process.env.CHROMIUM_PATH = savedPath;
  });
  afterAll(() => temp.remove());

  it('starts from the npm package even when another version left its Chromium in the temp directory', async () => {
    delete process.env.CHROMIUM_PATH;
    // What an older @sparticuz/chromium leaves behind: `<tmp>/chromium` and its GL libraries. The package
    // skips extracting when that file exists and launches it against the wrong libraries.
    const stale = join(temp.dir, 'chromium');
    writeFileSync(stale, '#!/bin/sh\necho "eglGetProcAddress not found" >&2\nkill -TRAP $$\n');
    chmodSync(stale, 0o755);
    writeFileSync(join(temp.dir, 'libGLESv2.so'), 'not a library');

    browser = await launchHeadlessChromium(temp.dir);
    const page = await browser.newPage();
    await page.setContent('<main><h1>Audit</h1><p id="status">chain OK</p></main>');
    expect(await page.locator('#status').innerText()).toBe('chain OK');
  }, 120_000);

  it('names CHROMIUM_PATH when the browser given there does not start', async () => {
    process.env.CHROMIUM_PATH = '/bin/false';
    await expect(launchHeadlessChromium(temp.dir)).rejects.toThrow(
      /headless Chromium did not start — the browser at CHROMIUM_PATH=\/bin\/false/,
    );
  });

  it('says so when CHROMIUM_PATH names no file, instead of falling back silently', async () => {
    process.env.CHROMIUM_PATH = join(temp.dir, 'no-such-browser');
    await expect(launchHeadlessChromium(temp.dir)).rejects.toThrow(/CHROMIUM_PATH=.*no-such-browser does not exist/);
  });
});
