/**
 * Summarises a V8 `.cpuprofile` (from `node --cpu-prof`, e.g. the bench's `BENCH_CPU_PROF=<dir>`) for
 * docs/profile.md: the top functions by self time, and the time per area — our own source files, each
 * package in node_modules, node's internals, native code (GC, the compiler, syscalls) and idle.
 *
 *   node dist/scripts/profile-summary.js <file.cpuprofile> [--top 25] [--files 25]
 *
 * Self time: samples whose innermost frame is the function. Inclusive time per area: samples with at least
 * one frame in that area anywhere on the stack (so the areas add up to more than 100 %); it answers "how much
 * would go if this area cost nothing". Sampling: the profiler takes a stack about every 1 ms, so a function
 * under ~0.1 % of a run is noise.
 */
import { readFileSync } from 'node:fs';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

/** The area a frame belongs to: a package name, `src/<dir>/<file>`, `node:<module>`, or a V8 pseudo-frame. */
export function areaOf(frame: CallFrame): string {
  const url = frame.url.replace(/^file:\/\//, '');
  if (!url) return frame.functionName.startsWith('(') ? frame.functionName : '(native)';
  if (url.startsWith('node:')) return url;
  const pkg = /.*node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1];
  const own = /\/dist\/((?:src|scripts|test)\/.*)\.js$/.exec(url);
  return own ? own[1] : url;
}

function label(frame: CallFrame): string {
  const name = frame.functionName || '(anonymous)';
  return frame.url ? `${name} ${areaOf(frame)}:${frame.lineNumber + 1}` : name;
}

export function summarise(profile: Profile, top = 25, files = 25): string {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const self = new Map<string, number>();
  const selfArea = new Map<string, number>();
  const inclusiveArea = new Map<string, number>();
  let total = 0;
  let idle = 0;
  profile.samples.forEach((id, i) => {
    const us = profile.timeDeltas[i] ?? 0;
    const node = byId.get(id)!;
    total += us;
    if (node.callFrame.functionName === '(idle)') {
      idle += us;
      return;
    }
    const key = label(node.callFrame);
    self.set(key, (self.get(key) ?? 0) + us);
    selfArea.set(areaOf(node.callFrame), (selfArea.get(areaOf(node.callFrame)) ?? 0) + us);
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) seen.add(areaOf(byId.get(at)!.callFrame));
    for (const area of seen) inclusiveArea.set(area, (inclusiveArea.get(area) ?? 0) + us);
  });
  const busy = total - idle;
  const ms = (us: number) => `${(us / 1000).toFixed(0)} ms`;
  const pct = (us: number) => `${((100 * us) / busy).toFixed(1)} %`;
  const rows = (map: Map<string, number>, n: number) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([k, us]) => `| ${ms(us)} | ${pct(us)} | \`${k.replace(/\|/g, '\\|')}\` |`);
  return [
    `Profile: ${ms(total)} sampled, ${ms(busy)} busy (${((100 * busy) / total).toFixed(0)} %), ${ms(idle)} idle; percentages are of busy time.`,
    '',
    `Top ${top} functions by self time:`,
    '',
    '| self | % | function (area:line) |',
    '|---|---|---|',
    ...rows(self, top),
    '',
    `Top ${files} areas by self time:`,
    '',
    '| self | % | area |',
    '|---|---|---|',
    ...rows(selfArea, files),
    '',
    `Top ${files} areas by inclusive time (any frame on the stack):`,
    '',
    '| inclusive | % | area |',
    '|---|---|---|',
    ...rows(inclusiveArea, files),
  ].join('\n');
}

function main(): void {
  const args = process.argv.slice(2);
  const file = args.find((a) => !a.startsWith('--') && !/^\d+$/.test(a));
  if (!file) {
    console.error('usage: node dist/scripts/profile-summary.js <file.cpuprofile> [--top 25] [--files 25]');
    process.exit(2);
  }
  const option = (name: string, fallback: number) => {
    const at = args.indexOf(name);
    return at >= 0 ? Number(args[at + 1]) : fallback;
  };
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  console.log(summarise(profile, option('--top', 25), option('--files', 25)));
}

if (require.main === module) main();
