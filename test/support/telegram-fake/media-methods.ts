import { randomInt } from 'node:crypto';
import { badRequest, tooLarge } from './api-error';
import { MAX_UPLOAD_BYTES, type StoredFile } from './file-store';
import { checkCaption } from './formatted-text';
import { mediaContent, type MediaMeta } from './media-objects';
import { captionFields, captionOf, postBotMessage } from './message-posting';
import type { MethodCall, MethodHandler, MethodTable } from './method-context';
import { formatText } from './parse-mode';
import type { InputFileRef, ParamReader } from './request-params';
import type { FileKind, Json } from './types';

const MIME_TYPES: Record<string, string> = {
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  gif: 'image/gif',
  webp: 'image/webp',
  pdf: 'application/pdf',
  txt: 'text/plain',
  csv: 'text/csv',
  json: 'application/json',
  zip: 'application/zip',
  mp4: 'video/mp4',
  mov: 'video/quicktime',
  mp3: 'audio/mpeg',
  m4a: 'audio/mp4',
  ogg: 'audio/ogg',
  oga: 'audio/ogg',
};

const MEDIA_METHODS: Array<[string, FileKind]> = [
  ['sendPhoto', 'photo'],
  ['sendDocument', 'document'],
  ['sendVideo', 'video'],
  ['sendAudio', 'audio'],
  ['sendVoice', 'voice'],
  ['sendSticker', 'sticker'],
  ['sendAnimation', 'animation'],
  ['sendVideoNote', 'video_note'],
];

const UNCAPTIONED: ReadonlySet<FileKind> = new Set(['sticker', 'video_note']);

function sendMedia(method: string, kind: FileKind): MethodHandler {
  return (call) => {
    const chat = call.state.chats.writable(call.bot.id, call.params.str('chat_id'));
    const ref = call.params.inputFile(kind);
    if (!ref) throw badRequest(`there is no ${kind} in the request`);
    const caption = UNCAPTIONED.has(kind) ? undefined : captionOf(call.params);
    const file = resolveFile(call, kind, ref);
    const content = { ...mediaContent(call.state.files, file, mediaMeta(call.params)), ...captionFields(caption) };
    return postBotMessage(call, chat, method, content, file);
  };
}

function resolveFile(call: MethodCall, kind: FileKind, ref: InputFileRef): StoredFile {
  if ('fileId' in ref) return call.state.files.ownedBy(call.bot.id, ref.fileId, kind);
  const { bytes, fileName, contentType } = ref.upload;
  if (bytes.length > MAX_UPLOAD_BYTES) throw tooLarge();
  if (bytes.length === 0) throw badRequest('file must be non-empty');
  const extension = /\.([A-Za-z0-9]+)$/.exec(fileName)?.[1]?.toLowerCase() ?? '';
  const mimeType = contentType && contentType !== 'application/octet-stream' ? contentType : MIME_TYPES[extension];
  return call.state.files.mint(call.bot.id, kind, bytes, { fileName, mimeType });
}

function mediaMeta(params: ParamReader): MediaMeta {
  return {
    duration: params.int('duration'),
    width: params.int('width') ?? params.int('length'),
    height: params.int('height'),
    title: params.str('title'),
    performer: params.str('performer'),
    emoji: params.str('emoji'),
  };
}

interface InputMedia {
  type?: string;
  media?: string;
  caption?: string;
  parse_mode?: string;
}

const GROUP_KINDS: Record<string, FileKind> = { photo: 'photo', video: 'video', document: 'document', audio: 'audio' };

/** Albums: every item becomes its own message sharing one media_group_id. */
function sendMediaGroup(call: MethodCall): unknown {
  const chat = call.state.chats.writable(call.bot.id, call.params.str('chat_id'));
  const items = call.params.json<InputMedia[]>('media');
  if (!Array.isArray(items) || items.length === 0) throw badRequest('media is empty');
  const mediaGroupId = String(randomInt(1e9, 1e10 - 1)) + String(randomInt(1e8, 1e9 - 1));
  const prepared = items.map((item) => {
    const kind = GROUP_KINDS[item.type ?? ''];
    if (!kind || !item.media) throw badRequest(`can't parse InputMedia: media type "${item.type}" is not supported`);
    const file = resolveFile(call, kind, call.params.resolveFileString(item.media));
    const caption = item.caption ? formatText(item.caption, item.parse_mode) : undefined;
    if (caption) checkCaption(caption);
    return { file, caption };
  });
  return prepared.map(({ file, caption }) => {
    const content: Json = { media_group_id: mediaGroupId, ...mediaContent(call.state.files, file), ...captionFields(caption) };
    return postBotMessage(call, chat, 'sendMediaGroup', content, file);
  });
}

export const mediaMethods: MethodTable = {
  ...Object.fromEntries(MEDIA_METHODS.map(([method, kind]) => [method, sendMedia(method, kind)])),
  sendMediaGroup,

  sendLocation: (call) => {
    const chat = call.state.chats.writable(call.bot.id, call.params.str('chat_id'));
    const latitude = call.params.num('latitude');
    const longitude = call.params.num('longitude');
    if (latitude === undefined || longitude === undefined) throw badRequest('latitude or longitude is empty');
    return postBotMessage(call, chat, 'sendLocation', { location: { latitude, longitude } });
  },

  sendContact: (call) => {
    const chat = call.state.chats.writable(call.bot.id, call.params.str('chat_id'));
    const contact: Json = {
      phone_number: call.params.requireStr('phone_number'),
      first_name: call.params.requireStr('first_name'),
      last_name: call.params.str('last_name'),
    };
    return postBotMessage(call, chat, 'sendContact', { contact });
  },

  getFile: (call) => call.state.files.getFile(call.bot.id, call.params.requireStr('file_id')),
};
