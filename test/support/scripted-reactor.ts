import { randomUUID } from 'node:crypto';
import { EventStore, RecordedEvent } from '../../src/application/ports/event-store.port';
import { ReactionRun, Reactor } from '../../src/application/reactors/reactor';

/** The only type ScriptedReactor handles; anything else is an event it has nothing to do for. */
export const POKED = 'ScriptedPoked';

interface Hold {
  promise: Promise<void>;
  release: () => void;
}

/**
 * A reactor whose reactions a test scripts, keyed by chat: `hold(label)` makes that event's reaction
 * hang until released (a hung Telegram call), `failWhile(label)` makes it throw until released (a chat
 * that keeps failing). It records what started and what finished, and any overlap inside one chat.
 */
export class ScriptedReactor implements Reactor {
  readonly name = 'scripted';
  readonly handles = [POKED];
  readonly started: string[] = [];
  readonly finished: string[] = [];
  readonly finishedPositions = new Set<bigint>();
  /** Labels whose reaction the runner announced as a repeat (an earlier run was in flight at a crash). */
  readonly repeats: string[] = [];
  readonly attempts = new Map<string, number>();
  /** Labels that started while an earlier event of their chat was still running (must stay empty). */
  readonly overlaps: string[] = [];
  private readonly running = new Set<string>();
  private readonly holds = new Map<string, Hold>();
  private readonly failing = new Map<string, Hold>();

  /** `recordsAttempts`: as a reactor whose effect a user would see twice (a relay, a notice). */
  constructor(readonly recordsAttempts = false) {}

  key(event: RecordedEvent): string {
    return `chat:${String(event.data.chat)}`;
  }

  async react(event: RecordedEvent, run?: ReactionRun): Promise<void> {
    const label = String(event.data.label);
    if (run?.repeat) this.repeats.push(label);
    const chat = this.key(event);
    if (this.running.has(chat)) this.overlaps.push(label);
    this.running.add(chat);
    this.started.push(label);
    this.attempts.set(label, (this.attempts.get(label) ?? 0) + 1);
    try {
      await this.holds.get(label)?.promise;
      if (this.failing.has(label)) throw new Error(`reaction to ${label} failed`);
      this.finished.push(label);
      this.finishedPositions.add(event.position);
    } finally {
      this.running.delete(chat);
    }
  }

  /** The reaction to `label` hangs until the returned function is called. */
  hold(label: string): () => void {
    const hold = newHold();
    this.holds.set(label, hold);
    return () => {
      this.holds.delete(label);
      hold.release();
    };
  }

  /** The reaction to `label` fails on every attempt until the returned function is called. */
  failWhile(label: string): () => void {
    this.failing.set(label, newHold());
    return () => this.failing.delete(label);
  }

  finishedOf(chat: string): string[] {
    return this.finished.filter((l) => l.startsWith(chat));
  }
}

function newHold(): Hold {
  let release!: () => void;
  const promise = new Promise<void>((resolve) => (release = resolve));
  return { promise, release };
}

/**
 * Appends one event per label, in order, each in its own stream. A label's first letter is its chat
 * (`a1` → chat a); labels starting with `-` are of a type the reactor does not handle.
 */
export async function poke(store: EventStore, ...labels: string[]): Promise<Map<string, bigint>> {
  const positions = new Map<string, bigint>();
  for (const label of labels) {
    const ignored = label.startsWith('-');
    const { position } = await store.appendToStream(
      `scripted-${randomUUID()}`,
      [
        {
          id: randomUUID(),
          type: ignored ? 'ScriptedIgnored' : POKED,
          data: { chat: label.slice(0, 1), label },
          metadata: { schemaVersion: 1, correlationId: label, causationId: label },
        },
      ],
      'no_stream',
    );
    positions.set(label, position);
  }
  return positions;
}

/** Polls `condition` until it holds; fails with `what` after 10 s (a hang, not a timing assertion). */
export async function eventually(what: string, condition: () => boolean | Promise<boolean>): Promise<void> {
  for (let tries = 0; tries < 1000; tries += 1) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`never happened: ${what}`);
}
