/**
 * The published-message ledger (src/events/ledger.ts) with the outbox: a `message` event is
 * recorded iff the outbox committed it, an incoming message event already in the ledger is
 * dropped, and the catch-up window starts after the newest one (less a margin) but never at or
 * before the session's first WORKING, so a fresh pairing replays no history. Every case runs on
 * each store binding (test/support/stores.ts).
 */
import { afterEach, describe, expect, test } from 'bun:test';
import { PublishedLedger } from '../src/events/ledger';
import { WebhookOutbox } from '../src/events/outbox';
import type { WebhookConfig } from '../src/events/targets';
import { Logger } from '../src/log';
import { storeBindings, type TestStore } from './support/stores';
import { ENV } from './support/webhooks';

const log = new Logger({ level: 'error', format: 'JSON', write: () => {} });
let temp: TestStore | undefined;
afterEach(async () => {
  await temp?.dispose();
  temp = undefined;
});

const message = (id: string, timestamp: number) => ({ id, timestamp, from: '1@c.us', fromMe: false, body: id });
const event = (name: string, payload: unknown) => ({ session: 's', event: name, payload, me: null, metadata: {}, timestamp: 1000 });

for (const binding of storeBindings(import.meta.file)) {
  describe.skipIf(binding.skip !== null)(`on ${binding.name}`, () => {
    async function rig(webhooks: WebhookConfig[] = []) {
      temp = await binding.open();
      const ledger = new PublishedLedger(temp.store.ledger);
      const outbox = await WebhookOutbox.open({ store: temp.store.outbox, webhooksOf: () => webhooks, environment: () => ENV, log });
      return { ledger, outbox };
    }

    test('a message event is recorded with its commit, also without webhooks; other events are not', async () => {
      const { ledger, outbox } = await rig();
      await outbox.publish(event('message', message('false_1@c.us_A', 100)));
      await outbox.publish(event('message.any', message('false_1@c.us_B', 101)));
      await outbox.publish(event('session.status', { status: 'WORKING' }));
      expect([
        await ledger.has('s', 'false_1@c.us_A'),
        await ledger.has('s', 'false_1@c.us_B'),
        await ledger.has('t', 'false_1@c.us_A'),
      ]).toEqual([true, false, false]);
    });

    test('an incoming message already published is dropped (message and message.any); our own messages are not', async () => {
      const hook = { url: 'http://127.0.0.1:1/hook', events: ['*'] };
      const { outbox } = await rig([hook]);
      expect(await outbox.publish(event('message', message('false_1@c.us_A', 100)))).not.toBeNull();
      expect(await outbox.publish(event('message', message('false_1@c.us_A', 100)))).toBeNull();
      expect(await outbox.publish(event('message.any', message('false_1@c.us_A', 100)))).toBeNull();
      const mine = { ...message('true_1@c.us_B', 100), fromMe: true };
      expect(await outbox.publish(event('message.any', mine))).not.toBeNull();
      expect(await outbox.publish(event('message.any', mine))).not.toBeNull();
      expect(outbox.stats().pending).toBe(3);
    });

    test('a write that rolls back records nothing', async () => {
      const { ledger, outbox } = await rig([{ url: 'http://127.0.0.1:1/hook', events: ['message'] }]);
      await temp!.breakInserts('webhook_outbox', 'disk full');
      expect(outbox.publish(event('message', message('false_1@c.us_A', 100)))).rejects.toThrow('disk full');
      await outbox.idle();
      expect(await ledger.has('s', 'false_1@c.us_A')).toBe(false);
    });

    test('catch-up window: none at the first WORKING (which sets the floor), then from the newest message less the margin, never before the floor', async () => {
      temp = await binding.open();
      const ledger = new PublishedLedger(temp.store.ledger);
      const record = (id: string, ts: number) => temp!.record('s', id, ts, Date.now());
      expect(await ledger.catchUpSince('s', 1000, 60)).toBeNull(); // fresh pairing: nothing to replay
      expect(await ledger.catchUpSince('s', 1010, 60)).toBe(1000); // nothing received since: only after the first WORKING
      await record('false_1@c.us_A', 1500);
      expect(await ledger.catchUpSince('s', 1600, 60)).toBe(1440);
      await record('false_1@c.us_B', 1020);
      expect(await ledger.catchUpSince('s', 1600, 60)).toBe(1440);
      await ledger.forget('s'); // logged out: the next pairing starts over
      expect(await ledger.catchUpSince('s', 2000, 60)).toBeNull();
    });

    test('bounded: entries past the retention period and beyond the per-session cap are pruned', async () => {
      temp = await binding.open();
      let now = 0;
      const ledger = new PublishedLedger(temp.store.ledger, { keepMs: 1000, maxPerSession: 3, now: () => now });
      const record = (session: string, id: string, ts: number) => temp!.record(session, id, ts, now);
      for (let i = 0; i < 5; i++) await record('s', `m${i}`, 100 + i);
      await record('old', 'x', 50);
      now = 500;
      await record('t', 'y', 60);
      now = 1200;
      await ledger.prune();
      const has = (session: string, ids: string[]) => Promise.all(ids.map((id) => ledger.has(session, id)));
      expect(await has('s', ['m0', 'm1', 'm2', 'm3', 'm4'])).toEqual([false, false, false, false, false]); // recorded at 0: past 1000 ms
      expect(await ledger.has('t', 'y')).toBe(true);
      now = 1300;
      for (let i = 5; i < 10; i++) await record('s', `m${i}`, 100 + i);
      await ledger.prune();
      expect(await has('s', ['m6', 'm7', 'm8', 'm9'])).toEqual([false, true, true, true]);
    });
  });
}
