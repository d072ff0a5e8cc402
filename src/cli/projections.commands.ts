import { Command, CommandRunner, Option, SubCommand } from 'nest-commander';
import { ProjectionRebuilder } from '../projections/rebuild/projection-rebuilder';
import { projectionStatus } from '../projections/status/projection-status';
import { CliResources } from './cli-resources';
import { CliUsageError, EXIT, oneOf, runCommandGroup } from './cli-errors';
import { bar, duration, ProgressLine, table, thousands, writeJson, writeLine } from './output';

@SubCommand({ name: 'status', description: "each projection's checkpoint, the head of the history, and how far behind it is" })
export class ProjectionsStatusCommand extends CommandRunner {
  constructor(private readonly resources: CliResources) {
    super();
  }

  @Option({ flags: '--format <format>', description: 'table (default) or json' })
  parseFormat(value: string): string {
    return value;
  }

  async run(_params: string[], options: { format?: string }): Promise<void> {
    const format = oneOf('--format', options.format, ['table', 'json'] as const, 'table');
    const rows = await projectionStatus(await this.resources.eventStore(), await this.resources.readModelDatabase());
    if (format === 'json') return writeJson(rows);
    const head = rows[0]?.head ?? null;
    writeLine(`head of the history: ${head ?? '(empty)'}\n`);
    writeLine(
      table(
        ['projection', 'checkpoint', 'lag (events)', 'lag (s)', 'state', 'updated at'],
        rows.map((r) => [
          r.name,
          r.checkpoint ?? '(not started)',
          `${r.lagEventsCapped ? '≥ ' : ''}${thousands(r.lagEvents)}`,
          r.lagSeconds === null ? '—' : r.lagSeconds.toFixed(1),
          r.frozen
            ? 'frozen (swap in progress)'
            : r.rebuild
              ? `rebuild pending at ${r.rebuild.position ?? 'start'}`
              : r.lagEvents === 0
                ? 'caught up'
                : 'catching up',
          r.updatedAt ?? '—',
        ]),
      ),
    );
  }
}

@SubCommand({
  name: 'rebuild',
  arguments: '[name]',
  description: 'replay the whole history into fresh tables and swap them in once caught up (safe to interrupt and re-run)',
})
export class ProjectionsRebuildCommand extends CommandRunner {
  constructor(private readonly resources: CliResources) {
    super();
  }

  @Option({ flags: '--all', description: 'rebuild every projection (one pass over the history)' })
  parseAll(): boolean {
    return true;
  }

  @Option({ flags: '--restart', description: 'discard an interrupted rebuild instead of resuming it' })
  parseRestart(): boolean {
    return true;
  }

  async run([name]: string[], options: { all?: boolean; restart?: boolean }): Promise<void> {
    if (!name === !options.all)
      throw new CliUsageError('give either one projection name or --all (see `projections status` for the names)');
    const rebuilder = new ProjectionRebuilder(await this.resources.eventStore(), await this.resources.readModelDatabase());
    const abort = new AbortController();
    const onSignal = () => abort.abort();
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    const progress = new ProgressLine();
    try {
      const result = await rebuilder.rebuild(options.all ? 'all' : [name], {
        restart: Boolean(options.restart),
        signal: abort.signal,
        onProgress: (p) => {
          const share = p.head === null ? 1 : Number(p.position || 0) / Number(p.head);
          progress.update(
            `${p.phase.padEnd(15)} ${bar(share)}  ${thousands(p.events)} events  ${thousands(p.eventsPerSecond)} events/s`,
            p.phase === 'done',
          );
        },
      });
      progress.done();
      const resumed = result.resumedFrom === null ? '' : ` (resumed an interrupted rebuild from position ${result.resumedFrom})`;
      writeLine(
        `Rebuilt ${result.projections.join(', ')}: ${thousands(result.events)} events replayed in ${duration(result.ms)} ` +
          `(${thousands(result.eventsPerSecond)} events/s)${resumed}. The new tables are live.`,
      );
    } catch (error) {
      progress.done();
      if (abort.signal.aborted) {
        writeLine('Interrupted. The live read models were not touched; run the same command again to resume.');
        process.exitCode = EXIT.interrupted;
        return;
      }
      if (error instanceof Error && /unknown projection/i.test(error.message)) throw new CliUsageError(error.message);
      throw error;
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  }
}

@Command({
  name: 'projections',
  description: 'read models: status and lag, rebuild from the history',
  subCommands: [ProjectionsStatusCommand, ProjectionsRebuildCommand],
})
export class ProjectionsCommand extends CommandRunner {
  async run(params: string[]): Promise<void> {
    runCommandGroup(this.command, params);
  }
}

export const PROJECTIONS_COMMANDS = [ProjectionsCommand, ProjectionsStatusCommand, ProjectionsRebuildCommand];
