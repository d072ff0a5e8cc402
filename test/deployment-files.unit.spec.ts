import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The deployment files, checked statically: no Docker engine exists on our development and CI machines,
 * so the image is never built and the stack never started here (README says so). These checks pin what
 * an operator relies on: a Node LTS pinned to an exact release that better-sqlite3 supports, the same
 * Node line in CI, an LTS EventStoreDB (KurrentDB) without AtomPub, an app MySQL user that is not root,
 * and a TLS reverse proxy so webhook mode works with just a domain.
 */
const ROOT = join(__dirname, '..');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

/** The text of each top-level service of a Compose file, by name (a two-space-indented key under `services:`). */
function composeServices(text: string): Map<string, string> {
  const services = new Map<string, string>();
  const body = text.split(/^services:\n/m)[1]?.split(/^\S/m)[0] ?? '';
  let name: string | undefined;
  for (const line of body.split('\n')) {
    const header = /^ {2}([\w-]+):\s*$/.exec(line);
    if (header) name = header[1];
    else if (name) services.set(name, `${services.get(name) ?? ''}${line}\n`);
  }
  return services;
}

const service = (name: string): string => {
  const text = composeServices(read('docker-compose.yml')).get(name);
  if (!text) throw new Error(`docker-compose.yml has no service "${name}"`);
  return text;
};

/** `node:<major>.<minor>.<patch>-…` of every FROM line of the Dockerfile. */
function dockerNodeImages(): { tag: string; major: number }[] {
  return [...read('Dockerfile').matchAll(/^FROM\s+(\S+)/gm)].map((m) => {
    const exact = /^node:(\d+)\.\d+\.\d+-[a-z]+(-slim)?$/.exec(m[1]);
    if (!exact) throw new Error(`Dockerfile: ${m[1]} is not a node image pinned to an exact version (node:<x.y.z>-<distro>)`);
    return { tag: m[1], major: Number(exact[1]) };
  });
}

describe('the Docker image (Dockerfile)', () => {
  it('builds and runs on one Node LTS release, pinned to an exact version', () => {
    const images = dockerNodeImages();
    expect(images.length).toBeGreaterThanOrEqual(2);
    expect(new Set(images.map((i) => i.tag)).size).toBe(1);
    // Even majors become LTS; 20 reached its end of life in April 2026.
    expect(images[0].major % 2).toBe(0);
    expect(images[0].major).toBeGreaterThanOrEqual(22);
  });

  it('uses a Node line that the installed better-sqlite3 declares support for', () => {
    const engines = (JSON.parse(read('node_modules/better-sqlite3/package.json')) as { engines: { node: string } }).engines.node;
    expect(engines.split('||').map((range) => range.trim())).toContain(`${dockerNodeImages()[0].major}.x`);
  });

  it('checks readiness (GET /health/ready) for its health, and can run the CLI', () => {
    expect(read('Dockerfile')).toMatch(/HEALTHCHECK[\s\S]*\/health\/ready/);
    expect(read('Dockerfile')).toMatch(/COPY .*scripts\/build-if-stale\.mjs/);
  });
});

describe('continuous integration (.github/workflows/ci.yml)', () => {
  const workflow = read('.github/workflows/ci.yml');

  it("tests on Node 20 and on the image's LTS line", () => {
    const matrix = /node:\s*\[([^\]]*)\]/.exec(workflow)?.[1] ?? '';
    const versions = matrix.split(',').map((v) => v.trim().replace(/['"]/g, ''));
    expect(versions).toEqual(expect.arrayContaining(['20', String(dockerNodeImages()[0].major)]));
    expect(workflow).toMatch(/node-version:\s*\$\{\{\s*matrix\.node\s*\}\}/);
  });

  it('runs the linter, then the tests, with the browser from npm (no system Chromium)', () => {
    const lint = workflow.indexOf('run: npm run lint');
    const test = workflow.indexOf('run: npm test');
    expect(lint).toBeGreaterThan(-1);
    expect(test).toBeGreaterThan(lint);
    expect(workflow).not.toMatch(/CHROMIUM_PATH/);
    expect(read('.ci/run')).not.toMatch(/apt-get install[^\n]*\bchromium\b/);
  });

  it('tests the EventStoreDB adapter against the same LTS server as the Compose stack, AtomPub off', () => {
    const image = /image:\s*(\S*kurrentdb:\S+)/.exec(workflow)?.[1];
    expect(image).toBe(/image:\s*(\S+)/.exec(service('eventstore'))?.[1]);
    expect(workflow).toMatch(/KURRENTDB_ENABLE_ATOM_PUB_OVER_HTTP:\s*"false"/);
  });
});

describe('the production stack (docker-compose.yml)', () => {
  it('runs EventStoreDB as KurrentDB on an LTS release (26.0.x), pinned, with AtomPub over HTTP off', () => {
    const eventstore = service('eventstore');
    expect(eventstore).toMatch(/image:\s*\S*kurrentdb:(2[6-9]|[3-9]\d)\.0\.\d+\s/);
    expect(eventstore).toMatch(/KURRENTDB_ENABLE_ATOM_PUB_OVER_HTTP:\s*"false"/);
    expect(eventstore).not.toMatch(/ATOM_PUB_OVER_HTTP:\s*"true"/);
    expect(eventstore).toMatch(/\/var\/lib\/kurrentdb/);
  });

  it('gives the app its own MySQL user, never root', () => {
    const mysql = service('mysql');
    expect(mysql).toMatch(/MYSQL_USER:\s*\S+/);
    expect(mysql).toMatch(/MYSQL_PASSWORD:\s*\S+/);
    const databaseUrl = /DATABASE_URL:\s*(\S+)/.exec(service('app'))?.[1] ?? '';
    expect(databaseUrl).toMatch(/^mysql:\/\/\$\{MYSQL_USER[:}-]/);
    expect(databaseUrl).toContain('${MYSQL_PASSWORD');
    expect(databaseUrl).not.toMatch(/mysql:\/\/root\b/);
  });

  it('puts Caddy in front for TLS: DOMAIN alone gives the certificate and webhook mode on https://DOMAIN', () => {
    const caddy = service('caddy');
    expect(caddy).toMatch(/image:\s*caddy:\d+\.\d+/);
    expect(caddy).toMatch(/"443:443"/);
    expect(caddy).toMatch(/DOMAIN:\s*\$\{DOMAIN/);
    expect(caddy).toMatch(/Caddyfile:\/etc\/caddy\/Caddyfile/);
    const caddyfile = read('deploy/Caddyfile');
    expect(caddyfile).toMatch(/^\{\$DOMAIN[^}]*\}\s*\{/m);
    expect(caddyfile).toMatch(/reverse_proxy\s*\{[^]*dynamic a\s*\{[^}]*name app[^}]*port 3000/);
    expect(caddyfile).toMatch(/\/telegram\/\*/);
    // The app derives its public URL from DOMAIN, so webhooks are registered at https://DOMAIN/telegram/….
    expect(service('app')).toMatch(/PUBLIC_URL:\s*\$\{PUBLIC_URL:-\$\{DOMAIN:\+https:\/\/\$\{DOMAIN\}\}\}/);
  });

  it('keeps the app port on the host loopback: the internet reaches it only through Caddy', () => {
    expect(service('app')).toMatch(/"127\.0\.0\.1:3000-3009:3000"/);
  });

  it('runs with --scale app=3 behind Caddy: no fixed name or host port per replica, Caddy balances over every replica and skips a dead one', () => {
    const app = service('app');
    // A container_name, or one fixed host port, would make Compose refuse a second replica.
    expect(app).not.toMatch(/container_name:/);
    expect(app).not.toMatch(/"(127\.0\.0\.1:)?\d+:3000"/);
    // Replicas need EventStoreDB and MySQL (leases); with either embedded, a second one is refused.
    expect(app).toMatch(/EVENTSTORE_URL:\s*esdb:\/\//);
    expect(app).toMatch(/DATABASE_URL:\s*mysql:\/\//);
    // They share DATA_DIR (the content keys and the generated master key): one named volume.
    expect(app).toMatch(/- app-data:\/data/);
    const caddyfile = read('deploy/Caddyfile');
    expect(caddyfile).toMatch(/refresh \d+s/);
    expect(caddyfile).toMatch(/lb_policy round_robin/);
    expect(caddyfile).toMatch(/lb_try_duration \d+s/);
  });
});
