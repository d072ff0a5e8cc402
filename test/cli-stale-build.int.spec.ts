import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { makeTempDir } from './support/temp-dir';

const ROOT = join(__dirname, '..');
const execFileAsync = promisify(execFile);

/**
 * `npm run cli` after a `git pull`: dist/ exists but was compiled from older sources. The CLI reads the
 * same stores as the app, so running yesterday's code there is a trap. Checked on a miniature project
 * that carries this project's own `cli` script (and its build check), so no test touches the checkout.
 */
describe('npm run cli on a checkout whose dist/ is older than its sources', () => {
  const project = makeTempDir('feedbackbots-stale-');
  const dir = project.dir;
  const cliScript = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts.cli;

  beforeAll(() => {
    symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
    mkdirSync(join(dir, 'scripts'));
    copyFileSync(join(ROOT, 'scripts', 'build-if-stale.mjs'), join(dir, 'scripts', 'build-if-stale.mjs'));
    writeFileSync(
      join(dir, 'package.json'),
      JSON.stringify({ name: 'mini', version: '1.0.0', private: true, scripts: { build: 'tsc -p tsconfig.build.json', cli: cliScript } }),
    );
    writeFileSync(
      join(dir, 'tsconfig.build.json'),
      JSON.stringify({
        compilerOptions: { module: 'commonjs', target: 'ES2022', rootDir: '.', outDir: 'dist', types: ['node'] },
        include: ['src/**/*.ts'],
      }),
    );
    mkdirSync(join(dir, 'src', 'cli'), { recursive: true });
    writeFileSync(join(dir, 'src', 'cli', 'main.ts'), "console.log('today: ' + process.argv.slice(2).join(' '));\n");
    // Yesterday's build, as a checkout has it after pulling newer sources.
    mkdirSync(join(dir, 'dist', 'src', 'cli'), { recursive: true });
    writeFileSync(join(dir, 'dist', 'src', 'cli', 'main.js'), "console.log('yesterday');\n");
    const yesterday = new Date(Date.now() - 24 * 3600 * 1000);
    utimesSync(join(dir, 'dist', 'src', 'cli', 'main.js'), yesterday, yesterday);
    utimesSync(join(dir, 'tsconfig.build.json'), yesterday, yesterday);
  });
  afterAll(() => project.remove());

  const npmCli = (...args: string[]) =>
    execFileAsync('npm', ['run', '--silent', 'cli', '--', ...args], {
      cwd: dir,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? dir },
    });

  it('compiles the new sources first, and the output holds only what the CLI printed', async () => {
    const run = await npmCli('audit', 'anchor');
    expect(run.stdout).toBe('today: audit anchor\n');
    expect(run.stderr).toContain('building dist/ (sources changed since the last build)');
  }, 60_000);

  it('runs without building when dist/ is up to date', async () => {
    const run = await npmCli('audit', 'verify');
    expect(run.stdout).toBe('today: audit verify\n');
    expect(run.stderr).toBe('');
  }, 60_000);

  it('refuses to run stale code when the sources do not compile, with exit code 3', async () => {
    writeFileSync(join(dir, 'src', 'cli', 'main.ts'), 'const broken: number = "text";\n');
    const failed = await npmCli('audit', 'verify').then(
      () => undefined,
      (error: { code: number; stdout: string; stderr: string }) => error,
    );
    expect(failed?.code).toBe(3);
    expect(failed?.stdout).toBe('');
    expect(failed?.stderr).toContain('the build failed (see above); the CLI did not run');
  }, 60_000);
});
