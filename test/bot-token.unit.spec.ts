import { format, inspect } from 'node:util';
import { BotToken } from '../src/domain/client-bot/bot-token';

/** 35 characters of A-Za-z0-9_- , shaped like what @BotFather hands out. */
const SECRET = 'AAHk3_Zq9-vQx7LmNp2RsTuVwXyZ0123abc';
const OTHER_SECRET = 'AAF-0987zyxwVUTSrqpoNMLkjih_GFEdcba';
const tenDigitToken = `7123456789:${SECRET}`;
const nineDigitToken = `712345678:${OTHER_SECRET}`;

const parsed = (text: string): BotToken => {
  const token = BotToken.parse(text);
  if (!token) throw new Error('expected the text to parse as a bot token');
  return token;
};

describe('BotToken', () => {
  it('the sample secrets are shaped like real ones', () => {
    expect(SECRET).toHaveLength(35);
    expect(OTHER_SECRET).toHaveLength(35);
  });

  describe('recognising a pasted token', () => {
    it('accepts a token of a new bot with a 10-digit id (which the original system rejected)', () => {
      const token = parsed(tenDigitToken);
      expect(token.botId).toBe(7123456789);
      expect(token.reveal()).toBe(tenDigitToken);
    });

    it('accepts a token of an older bot with a 9-digit id', () => {
      const token = parsed(nineDigitToken);
      expect(token.botId).toBe(712345678);
      expect(token.reveal()).toBe(nineDigitToken);
    });

    it('accepts a token pasted with spaces or a line break around it', () => {
      const token = parsed(`  \n${tenDigitToken}\t \n`);
      expect(token.reveal()).toBe(tenDigitToken);
      expect(token.equals(parsed(tenDigitToken))).toBe(true);
    });

    it.each([
      ['a secret one character short', `7123456789:${SECRET.slice(1)}`],
      ['a secret one character long', `7123456789:${SECRET}x`],
      ['a secret with a character Telegram never uses', `7123456789:${SECRET.slice(1)}!`],
      ['a secret with a dot', `7123456789:${SECRET.slice(1)}.`],
      ['no colon between id and secret', `7123456789${SECRET}`],
      ['a semicolon instead of a colon', `7123456789;${SECRET}`],
      ['letters in the bot id', `71234x6789:${SECRET}`],
      ['a bot id that is too short', `12345:${SECRET}`],
      ['words before the token', `my token is ${tenDigitToken}`],
      ['words after the token', `${tenDigitToken} thanks`],
      ['the bot-URL form', `bot${tenDigitToken}`],
      ['an empty message', ''],
    ])('refuses %s', (_case, text) => {
      expect(BotToken.parse(text)).toBeNull();
    });

    it('two different tokens are not equal', () => {
      expect(parsed(tenDigitToken).equals(parsed(`7123456789:${OTHER_SECRET}`))).toBe(false);
    });
  });

  describe('never printing itself', () => {
    const token = parsed(tenDigitToken);
    const shown = (text: string) => {
      expect(text).not.toContain(SECRET);
      expect(text).not.toContain(SECRET.slice(0, 10));
      expect(text).toContain('7123456789');
    };

    it('String(token) shows only the bot id', () => {
      expect(String(token)).toBe('7123456789:***');
    });

    it('a template literal shows only the bot id', () => {
      // Deliberately what lint forbids: code that interpolates a token by mistake must still not leak it.
      // eslint-disable-next-line @typescript-eslint/restrict-template-expressions
      shown(`attaching ${token}`);
      // eslint-disable-next-line @typescript-eslint/restrict-plus-operands
      shown('attaching ' + token);
    });

    it('JSON.stringify, as a logger or an event payload would use it, shows only the bot id', () => {
      const json = JSON.stringify({ token });
      shown(json);
      expect(JSON.parse(json)).toEqual({ token: '7123456789:***' });
    });

    it('util.inspect and console-style formatting show only the bot id', () => {
      expect(inspect(token)).toBe('BotToken(7123456789:***)');
      shown(inspect({ nested: { token } }, { depth: 5 }));
      shown(format('%s %o %O %j', token, token, token, { token }));
    });

    it('is recognised inside a longer text', () => {
      expect(BotToken.looksLikeToken(`please attach ${tenDigitToken} now`)).toBe(true);
      expect(BotToken.looksLikeToken('please attach 7123456789:*** now')).toBe(false);
      expect(BotToken.looksLikeToken('just a normal customer message')).toBe(false);
    });
  });

  describe('redacting a longer text', () => {
    it('replaces every token-shaped substring and keeps the rest', () => {
      const log = `getMe https://api.telegram.org/bot${tenDigitToken}/getMe failed; retrying with ${nineDigitToken}.`;
      expect(BotToken.redact(log)).toBe('getMe https://api.telegram.org/bot7123456789:***/getMe failed; retrying with 712345678:***.');
    });

    it('leaves a text without tokens untouched', () => {
      const text = 'order 12345: two coffees, ready at 10:30';
      expect(BotToken.redact(text)).toBe(text);
    });

    it('redacts the same token every time it appears', () => {
      const redacted = BotToken.redact(`${tenDigitToken}\n${tenDigitToken}`);
      expect(redacted).toBe('7123456789:***\n7123456789:***');
    });
  });
});
