import { byteOffset, entityParseError, sortEntities, type FormattedText } from './formatted-text';
import type { TgEntity } from './types';

const V2_RESERVED = new Set('_*[]()~`>#+-=|{}.!'.split(''));

const V2_MARKERS: Array<[string, string, string]> = [
  ['```', 'pre', 'Pre'],
  ['||', 'spoiler', 'Spoiler'],
  ['__', 'underline', 'Underline'],
  ['*', 'bold', 'Bold'],
  ['_', 'italic', 'Italic'],
  ['~', 'strikethrough', 'Strikethrough'],
  ['`', 'code', 'Code'],
  ['[', 'text_link', 'TextUrl'],
];

interface OpenMark {
  marker: string;
  type: string;
  label: string;
  start: number;
  at: number;
  language?: string;
}

/** MarkdownV2: every reserved character outside markup must be escaped, which is the classic way a bot
 * breaks on user-supplied text ("Character '.' is reserved and must be escaped with the preceding '\'"). */
export function parseMarkdownV2(input: string): FormattedText {
  let text = '';
  const entities: TgEntity[] = [];
  const open: OpenMark[] = [];
  let quoteStart: number | undefined;
  let i = 0;
  while (i < input.length) {
    const char = input[i];
    const top = open[open.length - 1];
    const inCode = top?.type === 'code' || top?.type === 'pre';
    if (char === '\\' && i + 1 < input.length && input.charCodeAt(i + 1) <= 126) {
      text += input[i + 1];
      i += 2;
      continue;
    }
    if (!inCode && char === '>' && (i === 0 || input[i - 1] === '\n')) {
      quoteStart ??= text.length;
      i += 1;
      continue;
    }
    if (char === '\n' && quoteStart !== undefined && input[i + 1] !== '>') {
      entities.push({ type: 'blockquote', offset: quoteStart, length: text.length - quoteStart });
      quoteStart = undefined;
    }
    if (!inCode && char === ']' && top?.type === 'text_link') {
      const url = /^\]\(((?:[^)\\]|\\.)*)\)/.exec(input.slice(i));
      if (!url) throw entityParseError(`Can't find end of TextUrl entity at byte offset ${top.at}`);
      open.pop();
      entities.push({ type: 'text_link', offset: top.start, length: text.length - top.start, url: unescape(url[1]) });
      i += url[0].length;
      continue;
    }
    const marker = V2_MARKERS.find(([m]) => input.startsWith(m, i) && (!inCode || m === top.marker));
    if (marker) {
      i = toggleMark(input, i, marker, open, entities, text);
      continue;
    }
    if (!inCode && V2_RESERVED.has(char)) {
      throw entityParseError(`Character '${char}' is reserved and must be escaped with the preceding '\\'`);
    }
    text += char;
    i += 1;
  }
  if (quoteStart !== undefined) entities.push({ type: 'blockquote', offset: quoteStart, length: text.length - quoteStart });
  const unclosed = open.pop();
  if (unclosed) throw entityParseError(`Can't find end of ${unclosed.label} entity at byte offset ${unclosed.at}`);
  return { text, entities: sortEntities(entities) };
}

function toggleMark(
  input: string,
  i: number,
  [marker, type, label]: [string, string, string],
  open: OpenMark[],
  entities: TgEntity[],
  text: string,
): number {
  const top = open[open.length - 1];
  if (top?.marker === marker && marker !== '[') {
    open.pop();
    const entity: TgEntity = { type, offset: top.start, length: text.length - top.start };
    if (top.language) entity.language = top.language;
    entities.push(entity);
    return i + marker.length;
  }
  const mark: OpenMark = { marker, type, label, start: text.length, at: byteOffset(input, i) };
  let next = i + marker.length;
  if (marker === '```') {
    const line = /^([^\s`]*)\n/.exec(input.slice(next));
    if (line) {
      if (line[1]) mark.language = line[1];
      next += line[0].length;
    }
  }
  open.push(mark);
  return next;
}

const unescape = (value: string): string => value.replace(/\\(.)/g, '$1');

const LEGACY_TYPES: Record<string, string> = { '```': 'pre', '*': 'bold', _: 'italic', '`': 'code' };

/** Legacy Markdown: no nesting and no escaping inside an entity; an unclosed marker is an error. */
export function parseMarkdown(input: string): FormattedText {
  let text = '';
  const entities: TgEntity[] = [];
  let i = 0;
  while (i < input.length) {
    const char = input[i];
    if (char === '\\' && '_*`['.includes(input[i + 1] ?? '')) {
      text += input[i + 1];
      i += 2;
      continue;
    }
    const link = char === '[' ? /^\[([^\]]*)\]\(([^)]*)\)/.exec(input.slice(i)) : null;
    if (link) {
      entities.push({ type: 'text_link', offset: text.length, length: link[1].length, url: link[2] });
      text += link[1];
      i += link[0].length;
      continue;
    }
    const marker = input.startsWith('```', i) ? '```' : LEGACY_TYPES[char] ? char : undefined;
    if (!marker && char !== '[') {
      text += char;
      i += 1;
      continue;
    }
    const end = marker ? input.indexOf(marker, i + marker.length) : -1;
    if (!marker || end < 0) {
      throw entityParseError(`Can't find end of the entity starting at byte offset ${byteOffset(input, i)}`);
    }
    const content = input.slice(i + marker.length, end);
    entities.push({ type: LEGACY_TYPES[marker], offset: text.length, length: content.length });
    text += content;
    i = end + marker.length;
  }
  return { text, entities: sortEntities(entities) };
}
