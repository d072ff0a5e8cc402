import { EntityManager } from 'typeorm';
import { RecordedEvent } from '../../application/ports/event-store.port';

/**
 * A projection: turns events into read-model rows. `apply` runs inside the runner's transaction, with
 * the checkpoint update, so a batch is either fully reflected (rows and checkpoint) or not at all.
 */
export interface Projector {
  readonly name: string;
  /** Event types this projection reads; others are skipped (the checkpoint still advances). */
  readonly handles: ReadonlySet<string>;
  apply(events: RecordedEvent[], em: EntityManager): Promise<void>;
}
