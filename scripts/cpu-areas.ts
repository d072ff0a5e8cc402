/**
 * CPU time by area of the app, from `perf script` output (Linux perf, on-CPU samples of every thread):
 * where the CPU went, which a V8 `.cpuprofile` cannot say — it samples the main thread's wall clock, so a
 * synchronous fsync or the process waiting for a core counts there as the function that was running.
 *
 *   node --perf-basic-prof dist/src/main.js …            (the app, so perf can name JIT-compiled functions)
 *   perf record -e cpu-clock -F 999 -g -p <pid> -- sleep 10
 *   perf script | node dist/scripts/cpu-areas.js [updates]
 *
 * Each sample goes to the area of the first frame, from the innermost out, that names one (so SQLite or
 * crypto called by the event store counts as the event store). With `updates` (how many relayed updates the
 * recording covered) it also prints µs of CPU per update: samples are 1/999 s each.
 */
import { createInterface } from 'node:readline';

/** Checked in this order for each frame; the first area that matches wins. */
const AREAS: [string, RegExp][] = [
  ['garbage collection', /Scavenge|Heap::|MarkCompact|ConcurrentMarking|MinorMC|Sweeper|GCTracer|MemoryAllocator/],
  // V8's own parser only: node's HTTP parser (`node::(anonymous namespace)::Parser`) is the next area.
  [
    'JIT compiler',
    /OptimizingCompile|compiler::|Maglev|Compiler::|BaselineBatchCompile|CompileLazy|v8::internal::(Pre)?Parser|ParseProgram/,
  ],
  ['HTTP parsing (node, inbound and outbound)', /node::\(anonymous namespace\)::Parser|llhttp/],
  ['hash chain', /hash-chain\.js/],
  ['event store (append, read, commit)', /sqlite\.event-store\.js|metered-event-store\.js/],
  ['content vault (keys, sealing)', /sqlite-content-vault\.js|aes-gcm\.js/],
  ['event pump and followers', /event-pump\.js|pump-subscription\.js|decoded-window\.js|upcasters\.js/],
  ['projections and read models', /\/projections\/runner\/|\.projector\.js|typeorm/],
  ['reactor runner and checkpoints', /reactor-runner\.js|keyed-lanes\.js|checkpoint-frontier\.js|reactor-checkpoint/],
  ['history tail and lookups', /\/projections\//],
  [
    'outbound Telegram calls',
    /\.reactor\.js|content-sender\.js|telegraf-gateway\.js|outbound-calls\.js|telegraf\/|node-fetch|_http_client|_http_agent/,
  ],
  ['command handling', /aggregate-store\.js|aggregate-cache|\.decider\.js|\.state\.js|\.handler\.js|@nestjs\/cqrs|deterministic-id/],
  [
    'inbound HTTP (webhooks)',
    /fastify|find-my-way|@nestjs\/core|platform-fastify|webhook|update-router|update-translator|telegram-update|_http_server|secure-json-parse/,
  ],
  ['metrics', /prom-client|observability\//],
  ['event loop (timers, promises)', /processTicksAndRejections|processImmediate|listOnTimeout|processTimers/],
];

export function areaOfStack(frames: string[]): string {
  for (const frame of frames) for (const [area, pattern] of AREAS) if (pattern.test(frame)) return area;
  return frames.some((f) => /kallsyms/.test(f)) ? 'kernel, elsewhere' : 'elsewhere (allocator, libuv, threads)';
}

async function main(): Promise<void> {
  const updates = Number(process.argv[2] ?? 0);
  const counts = new Map<string, number>();
  let total = 0;
  let frames: string[] = [];
  const sample = () => {
    if (frames.length === 0) return;
    const area = areaOfStack(frames);
    counts.set(area, (counts.get(area) ?? 0) + 1);
    total += 1;
    frames = [];
  };
  // `perf script`: a header line per sample, then one indented line per frame, then a blank line.
  for await (const line of createInterface({ input: process.stdin })) {
    if (line.trim() === '' || /^\S/.test(line)) sample();
    else frames.push(line.trim());
  }
  sample();
  const rows = [...counts].sort((a, b) => b[1] - a[1]);
  console.log(`${total} samples${updates ? `, ${updates} updates` : ''}\n`);
  console.log(`| area | share |${updates ? ' µs per update |' : ''}`);
  console.log(`|---|---|${updates ? '---|' : ''}`);
  for (const [area, n] of rows) {
    const perUpdate = updates ? ` ${Math.round(((n / 999) * 1e6) / updates)} |` : '';
    console.log(`| ${area} | ${((100 * n) / total).toFixed(1)} % |${perUpdate}`);
  }
}

if (require.main === module) void main();
