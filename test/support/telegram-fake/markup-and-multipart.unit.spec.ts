import { commandEntities } from './formatted-text';
import { multipartBoundary, parseMultipart } from './multipart';
import { formatText } from './parse-mode';

const parseError = (raw: string, mode: string): string => {
  try {
    formatText(raw, mode);
  } catch (error) {
    return (error as { description: string }).description;
  }
  throw new Error('expected a parse error');
};

describe('parse_mode', () => {
  it('turns HTML into text and entities, decoding the supported character references', () => {
    const { text, entities } = formatText(
      '<b>Bob <i>(@bob)</i></b> &amp; <a href="https://t.me/x?a=1&amp;b=2">link</a> &#128512; <pre><code class="language-ts">x</code></pre><blockquote expandable>q</blockquote>',
      'HTML',
    );
    expect(text).toBe('Bob (@bob) & link 😀 xq');
    expect(entities).toEqual([
      { type: 'bold', offset: 0, length: 10 },
      { type: 'italic', offset: 4, length: 6 },
      { type: 'text_link', offset: 13, length: 4, url: 'https://t.me/x?a=1&b=2' },
      { type: 'pre', offset: 21, length: 1, language: 'ts' },
      { type: 'expandable_blockquote', offset: 22, length: 1 },
    ]);
  });

  it('rejects malformed HTML with Telegram-style messages and byte offsets', () => {
    expect(parseError('é <x>', 'HTML')).toBe(`Bad Request: can't parse entities: Unsupported start tag "x" at byte offset 3`);
    expect(parseError('<b>open', 'HTML')).toBe(`Bad Request: can't parse entities: Can't find end tag corresponding to start tag "b"`);
    expect(parseError('<b><i>x</b></i>', 'HTML')).toBe(
      `Bad Request: can't parse entities: Unmatched end tag at byte offset 7, expected "</i>", found "</b>"`,
    );
    expect(parseError('1 < 2', 'HTML')).toMatch(/Unsupported start tag "" at byte offset 2/);
    expect(parseError('<span class="x">s</span>', 'HTML')).toMatch(/Unsupported start tag "span"/);
  });

  it('parses MarkdownV2 and insists on escaping reserved characters', () => {
    expect(formatText('*bold \\*x* _it_ __u__ ||s|| [a](https://e.com/\\)) `c\\`` \\.', 'MarkdownV2')).toEqual({
      text: 'bold *x it u s a c` .',
      entities: [
        { type: 'bold', offset: 0, length: 7 },
        { type: 'italic', offset: 8, length: 2 },
        { type: 'underline', offset: 11, length: 1 },
        { type: 'spoiler', offset: 13, length: 1 },
        { type: 'text_link', offset: 15, length: 1, url: 'https://e.com/)' },
        { type: 'code', offset: 17, length: 2 },
      ],
    });
    expect(parseError('Hello!', 'MarkdownV2')).toBe(
      `Bad Request: can't parse entities: Character '!' is reserved and must be escaped with the preceding '\\'`,
    );
    expect(parseError('*open', 'MarkdownV2')).toBe(`Bad Request: can't parse entities: Can't find end of Bold entity at byte offset 0`);
    expect(formatText('```js\nlet a;\n```', 'MarkdownV2').entities).toEqual([{ type: 'pre', offset: 0, length: 7, language: 'js' }]);
  });

  it('parses legacy Markdown without nesting', () => {
    expect(formatText('*a_b* [t](http://u) snake\\_case', 'Markdown')).toEqual({
      text: 'a_b t snake_case',
      entities: [
        { type: 'bold', offset: 0, length: 3 },
        { type: 'text_link', offset: 4, length: 1, url: 'http://u' },
      ],
    });
    expect(parseError('snake_case', 'Markdown')).toBe(
      `Bad Request: can't parse entities: Can't find end of the entity starting at byte offset 5`,
    );
  });

  it('marks every /command in user text as a bot_command entity', () => {
    expect(commandEntities('/start@client_one_bot hi /help')).toEqual([
      { type: 'bot_command', offset: 0, length: 21 },
      { type: 'bot_command', offset: 25, length: 5 },
    ]);
    expect(commandEntities('a/b and http://x/y')).toEqual([]);
  });
});

describe('multipart/form-data', () => {
  it('keeps binary parts byte-exact, even when they contain CRLF and boundary look-alikes', () => {
    const boundary = 'XyZ';
    const binary = Buffer.from([0x00, 0xff, 0x0d, 0x0a, 0x2d, 0x2d, 0x58, 0x79, 0x0d, 0x0a, 0x80]);
    const body = Buffer.concat([
      Buffer.from(`--${boundary}\r\ncontent-disposition:form-data; name="chat_id"\r\n\r\n42\r\n`),
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="photo"; filename="my \\"pic\\".jpg"\r\nContent-Type: image/jpeg\r\n\r\n`,
      ),
      binary,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    expect(multipartBoundary('multipart/form-data; boundary="XyZ"')).toBe('XyZ');
    const parsed = parseMultipart(body, boundary);
    expect(parsed.fields).toEqual({ chat_id: '42' });
    expect(parsed.files.photo).toEqual({ fieldName: 'photo', fileName: 'my "pic".jpg', contentType: 'image/jpeg', bytes: binary });
  });

  it('rejects a body that is not multipart', () => {
    expect(() => parseMultipart(Buffer.from('hello'), 'XyZ')).toThrow(/can't parse multipart/);
  });
});
