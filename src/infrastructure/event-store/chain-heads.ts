import { BoundedMap } from '../../application/shared/bounded-map';

/** A stream's last event as the append path needs it: where it is, and the hash the next event links to. */
export interface ChainHead {
  revision: number;
  position: bigint;
  hash: string;
}

/** Default: streams whose chain head is remembered (≈ 200 B each). */
export const DEFAULT_CHAIN_HEADS = 10_000;

/**
 * The chain heads of recently appended streams, least recently used first out. An entry is only a hint:
 * the append path uses it only when the stored head (read from the index inside the append's transaction)
 * is the very row the entry names, so another process's appends are never missed.
 */
export class ChainHeads {
  private readonly heads: BoundedMap<string, ChainHead>;

  constructor(max = DEFAULT_CHAIN_HEADS) {
    this.heads = new BoundedMap(max);
  }

  get(streamId: string): ChainHead | undefined {
    return this.heads.get(streamId);
  }

  set(streamId: string, head: ChainHead): void {
    this.heads.set(streamId, head);
  }
}
