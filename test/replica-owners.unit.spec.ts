import { hostname } from 'node:os';
import { deadOnThisHost } from '../src/processing/leases/lease-keeper';

/** Which lease holders a starting replica may take over at once, without waiting for their leases to run out. */
describe('replicas known dead on this host', () => {
  const self = `${hostname()}:${process.pid}:abc123`;
  const unusedPid = 4_194_303; // above Linux's default pid_max: no such process

  it('counts its own previous life (same host, same pid, another id) and a gone process of this host as dead', () => {
    const previousLife = `${hostname()}:${process.pid}:0ld000`;
    const gone = `${hostname()}:${unusedPid}:ffffff`;
    expect(deadOnThisHost([previousLife, gone], self)).toEqual([previousLife, gone]);
  });

  it('never counts itself, a live process of this host, or any replica of another host as dead', () => {
    const alive = `${hostname()}:${process.ppid}:aaaaaa`;
    const elsewhere = `another-${hostname()}:${unusedPid}:bbbbbb`;
    expect(deadOnThisHost([self, alive, elsewhere, ''], self)).toEqual([]);
  });
});
