import { splitText } from '../src/application/media/text-splitter';

describe('splitting a long text into messages', () => {
  it('leaves a text that fits alone', () => {
    expect(splitText('short', 10)).toEqual(['short']);
    expect(splitText('', 10)).toEqual(['']);
  });

  it('cuts between paragraphs first', () => {
    const text = `${'a'.repeat(30)}\n\n${'b'.repeat(30)}\n${'c'.repeat(10)}`;
    expect(splitText(text, 50)).toEqual(['a'.repeat(30), `${'b'.repeat(30)}\n${'c'.repeat(10)}`]);
  });

  it('then between lines, then between words', () => {
    expect(splitText(`${'a'.repeat(30)}\n${'b'.repeat(30)}`, 40)).toEqual(['a'.repeat(30), 'b'.repeat(30)]);
    expect(splitText('one two three four five six', 10)).toEqual(['one two', 'three four', 'five six']);
  });

  it('cuts inside a word only when one word is longer than a message', () => {
    expect(splitText('x'.repeat(25), 10)).toEqual(['x'.repeat(10), 'x'.repeat(10), 'x'.repeat(5)]);
  });

  it('never cuts an emoji in half', () => {
    const parts = splitText(`${'x'.repeat(9)}😀${'y'.repeat(5)}`, 10);
    expect(parts[0]).toBe('x'.repeat(9));
    expect(parts.join('')).toBe(`${'x'.repeat(9)}😀${'y'.repeat(5)}`);
  });

  it('keeps every word of a 5000-character message, each part within 4096', () => {
    const words = Array.from({ length: 1000 }, (_, i) => `w${i}`);
    const parts = splitText(words.join(' '), 4096);
    expect(parts.length).toBeGreaterThan(1);
    for (const part of parts) expect(part.length).toBeLessThanOrEqual(4096);
    expect(parts.join(' ').split(' ')).toEqual(words);
  });
});
