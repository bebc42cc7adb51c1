/**
 * kill -9 in the middle of a burst: a child process writes events through the outbox
 * while its dispatcher delivers to a slow receiver; it is SIGKILLed; a new outbox on the same
 * store then delivers. Every id the child reported as committed must arrive; duplicates are
 * allowed (at least once) and counted. On each store binding (test/support/stores.ts).
 */
import { afterEach, describe, expect, test } from 'bun:test';
import { join } from 'node:path';
import { storeBindings } from './support/stores';
import { Receiver, Rig } from './support/webhooks';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const WRITER = join(import.meta.dir, 'fixtures', 'outbox-writer.ts');
const KILL_AFTER = 2000;

for (const binding of storeBindings(import.meta.file)) {
  describe.skipIf(binding.skip !== null)(`on ${binding.name}`, () => {
    test('kill -9 mid-burst, then a new process: every committed event arrives, in order', async () => {
      const t = await binding.open();
      cleanups.push(() => t.dispose());
      // Slow while the child runs (~5 ms an answer), so rows pile up in the outbox; fast afterwards.
      const r = new Receiver(async () => {
        await Bun.sleep(5);
        return new Response('ok');
      });
      cleanups.push(() => r.stop());
      await t.close(); // the child owns the store until it dies

      const child = Bun.spawn([process.execPath, WRITER, JSON.stringify(t.location), r.url], { stdout: 'pipe', stderr: 'pipe' });
      cleanups.push(() => child.kill('SIGKILL'));
      const acked: string[] = [];
      let partial = '';
      const decoder = new TextDecoder();
      for await (const chunk of child.stdout as unknown as AsyncIterable<Uint8Array>) {
        const lines = (partial + decoder.decode(chunk, { stream: true })).split('\n');
        partial = lines.pop()!;
        acked.push(...lines.filter(Boolean));
        if (acked.length >= KILL_AFTER && !child.killed) child.kill('SIGKILL');
      }
      expect(await child.exited).not.toBe(0);
      expect(child.signalCode).toBe('SIGKILL');
      const beforeRestart = r.arrivals.length;

      r.respond = () => new Response('ok');
      const g = await Rig.create(await t.reopen(), { webhooks: { default: [{ url: r.url, events: ['*'], hmac: { key: 'kill' } }] } });
      cleanups.push(() => g.stop());
      const pendingAtRestart = g.outbox.stats().pending;
      await g.drained(30_000);

      const seen = new Set(r.ids());
      const missing = acked.filter((id) => !seen.has(id));
      const duplicates = r.arrivals.length - seen.size;
      console.log(
        `kill -9 (${binding.name}): ${acked.length} acknowledged, ${beforeRestart} delivered before the kill, ${pendingAtRestart} pending at restart, ` +
          `${seen.size} distinct delivered, ${duplicates} duplicate(s), ${missing.length} missing`,
      );
      expect(missing).toEqual([]);
      expect(beforeRestart).toBeLessThan(acked.length); // the kill did land mid-burst
      expect(r.ids()).toEqual([...r.ids()].sort()); // first arrivals in write order (ids are monotonic)
      expect(duplicates).toBeLessThanOrEqual(1); // one request in flight per target at the kill
    }, 60_000);
  });
}
