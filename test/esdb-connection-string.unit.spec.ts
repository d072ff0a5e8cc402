import { redactConnectionString } from '../src/infrastructure/event-store/esdb.event-store';

/**
 * An EventStoreDB connection string is only ever shown with its credentials masked. The client reads the
 * credentials as everything between `esdb://` and the `@` after the first `:` — so a password may hold
 * `/`, `?`, `#` or `:` — and the mask must cover all of it.
 */
describe('EventStoreDB connection strings in messages', () => {
  it.each([
    ['a plain password', 'esdb://admin:changeit@db:2113?tls=false', 'changeit'],
    ['a password with a slash', 'esdb://admin:ch/ange@db:2113?tls=false', 'ange'],
    ['a password with a question mark', 'esdb://admin:ch?ange@db:2113?tls=false', 'ange'],
    ['a password with a hash', 'esdb://admin:ch#ange@db:2113?tls=false', 'ange'],
    ['a password with a colon', 'esdb://admin:ch:ange@db:2113?tls=false', 'ange'],
    ['a password with every one of them', 'esdb+discover://admin:a/b?c#d:e@db1:2113,db2:2113', 'b?c#d'],
    ['a password with a raw @ (the client splits it)', 'esdb://admin:ch@nge@db:2113?tls=false', 'nge'],
  ])('never shows %s', (_, url, secret) => {
    const shown = redactConnectionString(url);
    expect(shown).not.toContain(secret);
    expect(shown).not.toContain('admin');
    expect(shown).toMatch(/^esdb(\+discover)?:\/\/\*\*\*:\*\*\*@db/);
  });

  it('keeps the address and the settings, which the operator needs to see', () => {
    expect(redactConnectionString('esdb://admin:ch/ange@db:2113?tls=false')).toBe('esdb://***:***@db:2113?tls=false');
    expect(redactConnectionString('esdb://db:2113?tls=false')).toBe('esdb://db:2113?tls=false');
  });
});
