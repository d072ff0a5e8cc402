/** The upload cache (projected from the `uploaded` files of MessageRelayed / ReplyDelivered). */
export const MEDIA_CACHE = Symbol('MEDIA_CACHE');

export interface MediaCache {
  /** The file id `botId` already has for this file, or null (a miss just means: transfer it). */
  find(botId: number, fileUniqueId: string): Promise<string | null>;
}
