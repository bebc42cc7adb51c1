/**
 * PublishedMessages (src/webhooks/published.ts): a `message` event is recorded iff the outbox
 * committed it, and the catch-up window starts after the newest one (less a margin) but never
 * at or before the session's first `ready`, so a fresh pairing replays no history.
 */
import { afterEach, expect, test } from 'bun:test';
import { Logger } from '../src/log';
import { WebhookOutbox } from '../src/webhooks/outbox';
import { PublishedMessages } from '../src/webhooks/published';
import type { WebhookConfig } from '../src/webhooks/targets';
import { ENV, TempStore } from './helpers/webhooks';

const log = new Logger({ level: 'error', format: 'JSON' });
let temp: TempStore | undefined;
afterEach(() => {
  temp?.dispose();
  temp = undefined;
});

function rig(webhooks: WebhookConfig[] = []) {
  temp = new TempStore();
  const published = new PublishedMessages(temp.store.db);
  const outbox = new WebhookOutbox({ db: temp.store.db, webhooksOf: () => webhooks, environment: () => ENV, log, published });
  return { published, outbox, db: temp.store.db };
}

const message = (id: string, timestamp: number) => ({ id, timestamp, from: '1@c.us', fromMe: false, body: id });

test('a message event is recorded with its commit, also without webhooks; other events are not', () => {
  const { published, outbox } = rig();
  outbox.publish({ session: 's', event: 'message', payload: message('false_1@c.us_A', 100) });
  outbox.publish({ session: 's', event: 'message.any', payload: message('false_1@c.us_B', 101) });
  outbox.publish({ session: 's', event: 'session.status', payload: { status: 'WORKING' } });
  expect([published.has('s', 'false_1@c.us_A'), published.has('s', 'false_1@c.us_B'), published.has('t', 'false_1@c.us_A')]).toEqual([
    true,
    false,
    false,
  ]);
});

test('a write that rolls back records nothing', () => {
  const { published, outbox, db } = rig([{ url: 'http://127.0.0.1:1/hook', events: ['message'] }]);
  db.exec("CREATE TRIGGER no_rows BEFORE INSERT ON webhook_outbox BEGIN SELECT RAISE(ABORT, 'disk full'); END");
  expect(() => outbox.publish({ session: 's', event: 'message', payload: message('false_1@c.us_A', 100) })).toThrow('disk full');
  expect(published.has('s', 'false_1@c.us_A')).toBe(false);
});

test('catch-up window: none at the first ready (which sets the floor), then from the newest message less the margin, never before the floor', () => {
  const { published } = rig();
  expect(published.catchUpSince('s', 1000, 60)).toBeNull(); // fresh pairing: nothing to replay
  expect(published.catchUpSince('s', 1010, 60)).toBe(1000); // nothing received since: only after the first ready
  published.record('s', 'false_1@c.us_A', 1500);
  expect(published.catchUpSince('s', 1600, 60)).toBe(1440);
  published.record('s', 'false_1@c.us_B', 1020);
  expect(published.catchUpSince('s', 1600, 60)).toBe(1440);
  published.forget('s'); // logged out: the next pairing starts over
  expect(published.catchUpSince('s', 2000, 60)).toBeNull();
});

test('bounded: rows past the retention period and beyond the per-session cap are pruned', () => {
  temp = new TempStore();
  let now = 0;
  const published = new PublishedMessages(temp.store.db, { keepMs: 1000, maxPerSession: 3, pruneEvery: 1_000_000, now: () => now });
  for (let i = 0; i < 5; i++) published.record('s', `m${i}`, 100 + i);
  published.record('old', 'x', 50);
  now = 500;
  published.record('t', 'y', 60);
  now = 1200;
  published.prune();
  expect(['m0', 'm1', 'm2', 'm3', 'm4'].map((id) => published.has('s', id))).toEqual([false, false, false, false, false]); // recorded at 0: past 1000 ms
  expect(published.has('t', 'y')).toBe(true);
  now = 1300;
  for (let i = 5; i < 10; i++) published.record('s', `m${i}`, 100 + i);
  published.prune();
  expect(['m6', 'm7', 'm8', 'm9'].map((id) => published.has('s', id))).toEqual([false, true, true, true]);
});
