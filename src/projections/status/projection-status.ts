import { DataSource } from 'typeorm';
import { EventStore } from '../../application/ports/event-store.port';
import { PROJECTIONS } from '../projection-registry';
import { ProjectionCheckpoint } from '../../processing/projection-checkpoint.entity';
import { CheckpointState, formatPosition, parseCheckpoint, rebuildCheckpointName } from '../../processing/projection-checkpoint.store';
import { exclusiveOnSqlite } from '../../processing/exclusive-on-sqlite';

/** Lag is counted by reading the events past a checkpoint (positions are opaque): at most this many. */
export const LAG_COUNT_CAP = 100_000;
const PAGE = 5000;

export interface ProjectionStatus {
  name: string;
  /** The last position the projection has applied; null when it has applied nothing yet. */
  checkpoint: string | null;
  head: string | null;
  /** Events in the history after the checkpoint (all types: the checkpoint moves past skipped ones too). */
  lagEvents: number;
  /** `lagEvents` stopped counting at LAG_COUNT_CAP: the lag is at least that. */
  lagEventsCapped: boolean;
  /** Age of the oldest event not yet applied (0 when caught up). */
  lagSeconds: number | null;
  /** A rebuild is swapping this projection's tables: its runner waits. */
  frozen: boolean;
  /** A rebuild in progress (or interrupted) and the position its shadow tables reached. */
  rebuild: { position: string | null } | null;
  updatedAt: string | null;
}

/**
 * `projections status` (P2): each projection's checkpoint, the head of the history and how far behind
 * it is. One read of the history from the lowest checkpoint serves every projection's count.
 */
export async function projectionStatus(
  store: EventStore,
  dataSource: DataSource,
  now: () => Date = () => new Date(),
): Promise<ProjectionStatus[]> {
  const rows = await exclusiveOnSqlite(dataSource, () => dataSource.getRepository(ProjectionCheckpoint).find());
  const stored = new Map<string, CheckpointState>(rows.map((r) => [r.name, parseCheckpoint(r)]));
  const head = await store.headPosition();

  const checkpoints = PROJECTIONS.map((p) => stored.get(p.name)?.position ?? null);
  const lowest = checkpoints.some((c) => c === null)
    ? null
    : checkpoints.reduce<bigint | null>((min, c) => (min === null || c! < min ? c : min), null);
  // Positions and recording times of the events past the lowest checkpoint, up to the cap.
  const positions: bigint[] = [];
  const recordedAt: Date[] = [];
  let capped = false;
  if (head !== null && (lowest === null || lowest < head)) {
    let after = lowest;
    for (;;) {
      const page = await store.readAll({ after: after ?? undefined, maxCount: Math.min(PAGE, LAG_COUNT_CAP - positions.length) });
      for (const e of page) {
        positions.push(e.position);
        recordedAt.push(e.recordedAt);
      }
      if (page.length === 0) break;
      after = page[page.length - 1].position;
      if (positions.length >= LAG_COUNT_CAP) {
        capped = after < head;
        break;
      }
    }
  }

  return PROJECTIONS.map((p, i) => {
    const state = stored.get(p.name);
    const checkpoint = checkpoints[i];
    const first = checkpoint === null ? 0 : upperBound(positions, checkpoint);
    const lagEvents = positions.length - first;
    const rebuild = stored.get(rebuildCheckpointName(p.name));
    return {
      name: p.name,
      checkpoint: checkpoint === null ? null : formatPosition(checkpoint),
      head: head === null ? null : head.toString(),
      lagEvents,
      lagEventsCapped: capped && lagEvents > 0,
      lagSeconds: lagEvents === 0 ? 0 : Math.max(0, (now().getTime() - recordedAt[first].getTime()) / 1000),
      frozen: state?.frozen ?? false,
      rebuild: rebuild ? { position: rebuild.position === null ? null : formatPosition(rebuild.position) } : null,
      updatedAt: state?.updatedAt ?? null,
    };
  });
}

/** Index of the first position greater than `value` in an ascending list. */
function upperBound(sorted: bigint[], value: bigint): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
