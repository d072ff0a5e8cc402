import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Where each projection (and each reactor) has got to in the global event order. */
@Entity('projection_checkpoints')
export class ProjectionCheckpoint {
  @PrimaryColumn({ type: 'varchar', length: 100 })
  name!: string;

  /** The global position as a decimal string (EventStoreDB positions exceed 2^53). */
  @Column({ type: 'varchar', length: 40 })
  position!: string;

  @Column({ name: 'updated_at', type: 'varchar', length: 30 })
  updatedAt!: string;
}
