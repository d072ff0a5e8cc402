import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const DEMO = join(__dirname, '..', 'dist', 'scripts', 'demo.js');

/** Runs the built demo with stdout and stderr piped (not a terminal), as `npm run demo > demo.txt` does. */
function runDemo(env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [DEMO], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('the demo (npm run demo)', () => {
  beforeAll(() => {
    if (!existsSync(DEMO)) throw new Error(`${DEMO} is missing: run \`npm run build\` first (npm test does)`);
  });

  it('prints plain text without colour codes when its output is not a terminal', async () => {
    const run = await runDemo();
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('FeedbackBots demo');
    expect(run.stdout).toContain('Alice');
    expect(run.stdout).not.toContain('\x1b[');
    // M12: the team inbox — two customers in their own topics, two agents answering each one.
    expect(run.stdout).toContain('topic “Carol (@carol_k) · @acme_support_bot”');
    expect(run.stdout).toContain('topic “Dave · @acme_support_bot”');
    expect(run.stdout).toMatch(/@acme_support_bot → Carol: Sorry, Carol! It leaves the warehouse today\./);
    expect(run.stdout).toMatch(/@acme_support_bot → Dave: Yes, Dave: blue or green until Friday\./);
    expect(run.stdout).toContain('Conversation closed');
    expect(run.stdout).toMatch(/ReplySent .*"agentId"/);
  }, 60_000);
});
