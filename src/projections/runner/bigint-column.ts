import { ValueTransformer } from 'typeorm';

/** Telegram ids need 52 bits: stored as BIGINT, read back as a JS number (MySQL drivers return strings). */
export const bigintAsNumber: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | number | null) => (value === null || value === undefined ? value : Number(value)),
};
