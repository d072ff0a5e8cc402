import { badRequest } from './api-error';
import { byteOffset, entityParseError, sortEntities, type FormattedText } from './formatted-text';
import { parseMarkdown, parseMarkdownV2 } from './markdown';
import type { TgEntity } from './types';

/** Applies `parse_mode` the way Telegram does: markup is removed from the text and becomes entities, and
 * malformed markup rejects the whole call ("can't parse entities"), which is how unescaped user input
 * (a customer named `<Bob>`) breaks real bots. */
export function formatText(raw: string, parseMode: string | undefined): FormattedText {
  switch ((parseMode ?? '').toLowerCase()) {
    case '':
      return { text: raw, entities: [] };
    case 'html':
      return parseHtml(raw);
    case 'markdownv2':
      return parseMarkdownV2(raw);
    case 'markdown':
      return parseMarkdown(raw);
    default:
      throw badRequest(`unsupported parse_mode`);
  }
}

const HTML_TAGS: Record<string, string> = {
  b: 'bold',
  strong: 'bold',
  i: 'italic',
  em: 'italic',
  u: 'underline',
  ins: 'underline',
  s: 'strikethrough',
  strike: 'strikethrough',
  del: 'strikethrough',
  span: 'spoiler',
  'tg-spoiler': 'spoiler',
  a: 'text_link',
  code: 'code',
  pre: 'pre',
  blockquote: 'blockquote',
  'tg-emoji': 'custom_emoji',
  'tg-time': 'date_time',
};

const NAMED_ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"' };

interface OpenTag {
  name: string;
  attributes: string;
  start: number;
  language?: string;
}

function parseHtml(input: string): FormattedText {
  let text = '';
  const entities: TgEntity[] = [];
  const open: OpenTag[] = [];
  let i = 0;
  while (i < input.length) {
    const char = input[i];
    if (char === '&') {
      const [decoded, length] = decodeEntity(input, i);
      text += decoded;
      i += length;
      continue;
    }
    if (char !== '<') {
      text += char;
      i += 1;
      continue;
    }
    const offset = byteOffset(input, i);
    const closing = input[i + 1] === '/';
    const name = /^[a-zA-Z0-9-]*/.exec(input.slice(i + (closing ? 2 : 1)))?.[0].toLowerCase() ?? '';
    if (!closing && !(name in HTML_TAGS)) throw entityParseError(`Unsupported start tag "${name}" at byte offset ${offset}`);
    const end = input.indexOf('>', i);
    if (end < 0) throw entityParseError(`Unclosed ${closing ? 'end' : 'start'} tag at byte offset ${offset}`);
    const attributes = input.slice(i + name.length + (closing ? 2 : 1), end);
    if (closing) closeTag(name, open, entities, text, offset);
    else open.push(openTag(name, attributes, text.length, offset));
    i = end + 1;
  }
  const unclosed = open.pop();
  if (unclosed) throw entityParseError(`Can't find end tag corresponding to start tag "${unclosed.name}"`);
  return { text, entities: sortEntities(entities) };
}

function openTag(name: string, attributes: string, start: number, offset: number): OpenTag {
  if (name === 'span' && attribute(attributes, 'class') !== 'tg-spoiler') {
    throw entityParseError(`Unsupported start tag "${name}" at byte offset ${offset}`);
  }
  return { name, attributes, start };
}

function closeTag(name: string, open: OpenTag[], entities: TgEntity[], text: string, offset: number): void {
  const tag = open.pop();
  if (!tag) throw entityParseError(`Unexpected end tag at byte offset ${offset}`);
  if (name !== tag.name) {
    throw entityParseError(`Unmatched end tag at byte offset ${offset}, expected "</${tag.name}>", found "</${name}>"`);
  }
  const parent = open[open.length - 1];
  const language = /^language-(.+)$/.exec(attribute(tag.attributes, 'class') ?? '')?.[1];
  if (tag.name === 'code' && parent?.name === 'pre' && language) {
    parent.language = language;
    return;
  }
  const entity: TgEntity = { type: HTML_TAGS[tag.name], offset: tag.start, length: text.length - tag.start };
  if (tag.name === 'a') entity.url = attribute(tag.attributes, 'href') ?? '';
  if (tag.name === 'pre' && tag.language) entity.language = tag.language;
  if (tag.name === 'blockquote' && /\bexpandable\b/.test(tag.attributes)) entity.type = 'expandable_blockquote';
  entities.push(entity);
}

function attribute(attributes: string, name: string): string | undefined {
  const match = new RegExp(`\\b${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s"'>]+))`, 'i').exec(attributes);
  const value = match?.[1] ?? match?.[2] ?? match?.[3];
  return value === undefined ? undefined : decodeAll(value);
}

function decodeAll(value: string): string {
  let out = '';
  for (let i = 0; i < value.length;) {
    const [decoded, length] = value[i] === '&' ? decodeEntity(value, i) : [value[i], 1];
    out += decoded;
    i += length;
  }
  return out;
}

/** Unknown entities stay literal text, as in Telegram; only numeric and four named entities decode. */
function decodeEntity(input: string, at: number): [string, number] {
  const match = /^&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/i.exec(input.slice(at, at + 12));
  if (!match) return ['&', 1];
  const body = match[1];
  if (body.startsWith('#')) {
    const code = body[1] === 'x' || body[1] === 'X' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
    return code > 0 && code <= 0x10ffff ? [String.fromCodePoint(code), match[0].length] : ['&', 1];
  }
  const named = NAMED_ENTITIES[body.toLowerCase()];
  return named === undefined ? ['&', 1] : [named, match[0].length];
}
