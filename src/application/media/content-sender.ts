import { Inject, Injectable, Optional } from '@nestjs/common';
import { FileRef, MessageContent, TELEGRAM_LIMITS } from '../../domain/shared/message-content';
import { APP_SETTINGS, AppSettings } from '../ports/app-settings.port';
import { AlbumItem, AlbumKind, BotApi, InlineButton, SentMessage } from '../ports/telegram.port';
import { BotApis } from '../reactors/client-bot-apis';
import { FileTransfer, TransferRoute, UploadedFile } from './file-transfer';
import { MEDIA_CACHE, MediaCache } from './media-cache.port';
import { splitText } from './text-splitter';

export { FileTooBigError } from './file-too-big.error';

export type BotRef = number | 'master';
export type MediaContent = Extract<MessageContent, { file: FileRef }>;

export interface SendContentOptions {
  /** A line put before the text or caption (the relay's "💬 Bob → @shop_bot"). */
  header?: string;
  replyToMessageId?: number;
  buttons?: InlineButton[][];
}

export interface SendResult {
  /** The main message (the one carrying the header). */
  messageId: number;
  /** The other messages it took (a long text's parts, a caption sent apart, the item after its header). */
  extraMessageIds: number[];
  uploaded: UploadedFile[];
}

/** Kinds Telegram shows without a caption: their header goes as a text message before them. */
const UNCAPTIONED = new Set<MessageContent['kind']>(['sticker', 'video_note', 'location', 'contact']);

const joinBlocks = (...blocks: (string | undefined)[]) => blocks.filter((b) => b !== undefined && b !== '').join('\n\n');

/**
 * Sends any MessageContent from one bot's world to a chat of another bot: texts split at 4096, captions
 * moved out when they no longer fit in 1024 with the header, files transferred (see FileTransfer).
 * @throws TelegramApiError when Telegram refuses; FileTooBigError when a file is over the bot limits.
 */
@Injectable()
export class ContentSender {
  private readonly transfer: FileTransfer;

  constructor(
    private readonly bots: BotApis,
    @Inject(APP_SETTINGS) private readonly settings: AppSettings,
    @Optional() @Inject(MEDIA_CACHE) cache?: MediaCache,
  ) {
    this.transfer = new FileTransfer(cache ?? null);
  }

  async send(
    from: { botId: BotRef },
    to: { botId: BotRef; chatId: number },
    content: MessageContent,
    options: SendContentOptions = {},
  ): Promise<SendResult> {
    const api = await this.api(to.botId);
    const { header, replyToMessageId, buttons } = options;
    const sent: number[] = [];
    let uploaded: UploadedFile[] = [];
    const texts = async (text: string, first: { replyTo?: number }, lastButtons?: InlineButton[][]) => {
      const parts = splitText(text, TELEGRAM_LIMITS.text);
      for (const [i, part] of parts.entries()) {
        const last = i === parts.length - 1;
        const message = await api.sendText(to.chatId, part, {
          replyToMessageId: i === 0 ? first.replyTo : undefined,
          buttons: last ? lastButtons : undefined,
        });
        sent.push(message.messageId);
      }
    };

    if (content.kind === 'text') {
      await texts(joinBlocks(header, content.text), { replyTo: replyToMessageId }, buttons);
    } else if (UNCAPTIONED.has(content.kind)) {
      if (header) await texts(header, { replyTo: replyToMessageId });
      const replyTo = header ? undefined : replyToMessageId;
      if (content.kind === 'location')
        sent.push((await api.sendLocation(to.chatId, content, { replyToMessageId: replyTo, buttons })).messageId);
      else if (content.kind === 'contact')
        sent.push((await api.sendContact(to.chatId, content, { replyToMessageId: replyTo, buttons })).messageId);
      else uploaded = await this.sendFile(from, to, api, content, { replyToMessageId: replyTo, buttons }, sent);
    } else {
      const media = content as MediaContent;
      const full = joinBlocks(header, media.caption);
      const fits = full.length <= TELEGRAM_LIMITS.caption;
      const caption = fits ? full : header && header.length <= TELEGRAM_LIMITS.caption ? header : undefined;
      uploaded = await this.sendFile(from, to, api, media, { caption, replyToMessageId, buttons }, sent);
      // The caption no longer fits next to the header: it follows as text, replying to its media.
      if (!fits && media.caption) await texts(caption === undefined ? full : media.caption, { replyTo: sent[0] });
    }
    return { messageId: sent[0], extraMessageIds: sent.slice(1), uploaded };
  }

  /** Whether these album items can go as one Telegram media group (else: send them one by one). */
  canSendAsAlbum(items: MessageContent[], header?: string): items is MediaContent[] {
    if (items.length < 2 || items.length > 10) return false;
    const kinds = new Set(items.map((item) => item.kind));
    const visual = [...kinds].every((k) => k === 'photo' || k === 'video');
    if (!visual && !(kinds.size === 1 && (kinds.has('document') || kinds.has('audio')))) return false;
    return (items as MediaContent[]).every(
      (item, i) =>
        (item.file.fileSize ?? 0) <= TELEGRAM_LIMITS.downloadBytes &&
        (i === 0 ? joinBlocks(header, item.caption) : (item.caption ?? '')).length <= TELEGRAM_LIMITS.caption,
    );
  }

  /** One media group; the header is the first item's caption. Check `canSendAsAlbum` first. */
  async sendAlbum(
    from: { botId: BotRef },
    to: { botId: BotRef; chatId: number },
    items: MediaContent[],
    options: { header?: string } = {},
  ) {
    const api = await this.api(to.botId);
    const route = await this.route(from.botId, to.botId);
    const files = items.map((item) => ({ file: item.file, kind: item.kind }));
    const result = await this.transfer.sendAll(files, route, (prepared) => {
      const album: AlbumItem[] = prepared.map((p, i) => ({
        kind: items[i].kind as AlbumKind,
        media: p.media,
        caption: i === 0 ? joinBlocks(options.header, items[i].caption) : items[i].caption,
      }));
      return api.sendMediaGroup(to.chatId, album);
    });
    return { messageIds: result.sent.map((s: SentMessage) => s.messageId), uploaded: result.uploaded };
  }

  private async sendFile(
    from: { botId: BotRef },
    to: { botId: BotRef; chatId: number },
    api: BotApi,
    content: MediaContent,
    options: { caption?: string; replyToMessageId?: number; buttons?: InlineButton[][] },
    sent: number[],
  ): Promise<UploadedFile[]> {
    const route = await this.route(from.botId, to.botId);
    const { sent: message, uploaded } = await this.transfer.send(content.file, content.kind, route, (media) =>
      api.sendMedia(to.chatId, content.kind, media, { ...options, meta: content.file }),
    );
    sent.push(message.messageId);
    return uploaded;
  }

  private async route(from: BotRef, to: BotRef): Promise<TransferRoute> {
    return { source: await this.api(from), sourceBotId: this.idOf(from), targetBotId: this.idOf(to) };
  }

  private idOf(bot: BotRef): number {
    return bot === 'master' ? this.settings.masterBotId : bot;
  }

  private async api(bot: BotRef): Promise<BotApi> {
    if (bot === 'master') return this.bots.master();
    const api = await this.bots.client(bot);
    if (!api) throw new Error(`client bot ${bot} is unknown`);
    return api;
  }
}
