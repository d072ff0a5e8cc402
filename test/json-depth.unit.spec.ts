import { MAX_JSON_DEPTH, nestedDeeperThan } from '../src/infrastructure/telegram/json-depth';

describe('the depth bound on webhook bodies', () => {
  const update = (extra: string) => `{"update_id": 1, "message": {"message_id": 2, "text": "hi", "extra": ${extra}}}`;

  it('lets a Telegram-shaped update through and stops one nested a level deeper than allowed', () => {
    expect(nestedDeeperThan(update('[]'), MAX_JSON_DEPTH)).toBe(false);
    expect(nestedDeeperThan(update('['.repeat(62) + ']'.repeat(62)), MAX_JSON_DEPTH)).toBe(false);
    expect(nestedDeeperThan(update('['.repeat(63) + ']'.repeat(63)), MAX_JSON_DEPTH)).toBe(true);
    expect(nestedDeeperThan(update('{"a":'.repeat(63) + '1' + '}'.repeat(63)), MAX_JSON_DEPTH)).toBe(true);
  });

  it('does not count brackets a customer typed: they are inside a string, escaped quotes and backslashes included', () => {
    const typed = JSON.stringify('[{'.repeat(200) + '\\"[[[' + '\\');
    expect(nestedDeeperThan(update(typed), MAX_JSON_DEPTH)).toBe(false);
    expect(nestedDeeperThan(update(`[${typed}, ${'['.repeat(63)}${']'.repeat(63)}]`), MAX_JSON_DEPTH)).toBe(true);
  });

  it('counts siblings once: many shallow objects in a row are not deep', () => {
    expect(nestedDeeperThan(`[${Array.from({ length: 10_000 }, () => '{"a":[1]}').join(',')}]`, MAX_JSON_DEPTH)).toBe(false);
  });
});
