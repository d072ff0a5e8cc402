/** One event a reactor has work for, from the moment it is queued until every earlier one has finished too. */
export interface FrontierTicket {
  readonly position: bigint;
  done: boolean;
  /** The highest position this entry vouches for: itself, plus the events after it that need no work. */
  through: bigint;
}

/**
 * The checkpoint of work that finishes out of order (lanes): the highest position P such that every
 * event at or below P has finished. Events with no work (a type the reactor does not handle) finish at
 * once. The checkpoint therefore never passes an unfinished event, however far other lanes got.
 *
 * Positions are opaque (EventStoreDB's are sparse): the frontier only compares and copies them.
 * Memory is one entry per event that has work and is above the checkpoint (`pending`): the caller
 * bounds that, not the number of events seen.
 */
export class CheckpointFrontier {
  /** Entries in position order; `head` is the first one still held (a cheap queue without shifting). */
  private entries: FrontierTicket[] = [];
  private head = 0;

  constructor(private checkpoint: bigint | null) {}

  /** Every event at or below this has finished; `null` is the start of the store. */
  get position(): bigint | null {
    return this.checkpoint;
  }

  /** Events with work above the checkpoint, finished or not. */
  get pending(): number {
    return this.entries.length - this.head;
  }

  /** The positions above the checkpoint already finished (a restart need not run them again). */
  finishedAbove(): bigint[] {
    return this.entries.slice(this.head).flatMap((e) => (e.done ? [e.position] : []));
  }

  /** An event with nothing to do: finished as soon as everything before it is. */
  skip(position: bigint): void {
    if (this.pending === 0) this.checkpoint = position;
    else this.entries[this.entries.length - 1].through = position;
  }

  /** An event whose work is starting (events must arrive in position order). */
  begin(position: bigint): FrontierTicket {
    const ticket: FrontierTicket = { position, done: false, through: position };
    this.entries.push(ticket);
    return ticket;
  }

  /** Marks `ticket` finished; returns whether the checkpoint moved. */
  finish(ticket: FrontierTicket): boolean {
    ticket.done = true;
    let moved = false;
    while (this.head < this.entries.length && this.entries[this.head].done) {
      this.checkpoint = this.entries[this.head].through;
      this.head += 1;
      moved = true;
    }
    if (this.head > 1024 && this.head * 2 > this.entries.length) {
      this.entries = this.entries.slice(this.head);
      this.head = 0;
    }
    return moved;
  }
}
