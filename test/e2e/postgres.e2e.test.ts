/**
 * The service on the PostgreSQL store (WHATSAPP_SESSIONS_POSTGRESQL_URL) with a real session:
 * real Chromium and whatsapp-web.js over the simulator, a real webhook receiver, and the rows
 * read back from PostgreSQL itself. Create → WORKING → incoming messages → webhook deliveries →
 * a service restart → WORKING again without a QR → more messages, none delivered twice.
 * Skipped, saying why, when no PostgreSQL test server answers (test/support/stores.ts).
 */

import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { SQL } from 'bun';
import { MIGRATIONS } from '../../src/store/postgres/migrations';
import { simContactId } from '../sim/index';
import { workingSession } from '../support/messaging';
import type { RunningService } from '../support/service';
import { freshSchema, postgresTestServer } from '../support/stores';
import { reach } from '../support/waits';
import { Receiver } from '../support/webhooks';
import { E2eWorld } from '../support/world';

const S = 'pg';
const PEER = simContactId(1);
const T = 120_000;

if (!postgresTestServer.available) console.log(`[stores] ${import.meta.file}: PostgreSQL cases skipped — ${postgresTestServer.skipReason}`);

describe.skipIf(!postgresTestServer.available)('the service on PostgreSQL', () => {
  let world: E2eWorld;
  let receiver: Receiver;
  let schema: Awaited<ReturnType<typeof freshSchema>>;
  let db: SQL;
  const started: RunningService[] = [];

  beforeAll(async () => {
    world = new E2eWorld();
    receiver = new Receiver();
    schema = await freshSchema();
    db = new SQL(schema.url, { max: 1 });
  });
  afterAll(async () => {
    for (const svc of started) await svc.stop();
    await world?.dispose();
    await receiver?.stop();
    await db?.close();
    await schema?.drop();
  });

  const start = async () => {
    const svc = await world.start({ WHATSAPP_SESSIONS_POSTGRESQL_URL: schema.url });
    started.push(svc);
    return svc;
  };
  const messages = () => receiver.arrivals.filter((a) => a.json.event === 'message');
  const bodies = () => [...new Map(messages().map((a) => [a.id, a.json.payload.body as string])).values()];
  const rows = async (query: string) => [...(await db.unsafe(query))].map((r) => ({ ...r }));

  test(
    'create → WORKING → messages delivered; restart → WORKING without a QR; every row in PostgreSQL',
    async () => {
      const first = await start();
      expect(first.service.store.kind).toBe('postgres');
      const webhooks = [{ url: receiver.url, events: ['message', 'session.status'] }];
      const sim = await workingSession(world, first, S, { webhooks, metadata: { tenant: 't1' } });

      for (let i = 0; i < 20; i++) await sim.receive({ from: PEER, body: `pg #${i}` });
      await receiver.until(() => bodies().length >= 20, '20 message webhooks', 30_000);
      expect(bodies()).toEqual(Array.from({ length: 20 }, (_, i) => `pg #${i}`));

      // The session and its config are rows of the shared store, not of the data folder.
      const [session] = await rows(`SELECT name, config, running FROM sessions`);
      expect({ ...session, config: JSON.parse(String(session!.config)) }).toEqual({
        name: S,
        config: { webhooks, metadata: { tenant: 't1' } },
        running: true,
      });
      const published = await rows(`SELECT id FROM published_messages WHERE session = '${S}' AND id <> ''`);
      expect(published.map((r) => r.id).sort()).toEqual(
        messages()
          .map((a) => a.json.payload.id)
          .sort(),
      );
      expect(await rows('SELECT key FROM webhook_targets')).toEqual([{ key: `${S}\n${receiver.url}` }]);

      // A graceful stop waits for the deliveries in flight: no message row is left behind.
      await first.stop();
      expect(await rows(`SELECT count(*)::int AS n FROM webhook_outbox WHERE event = 'message'`)).toEqual([{ n: 0 }]);
      expect(await rows('SELECT running FROM sessions')).toEqual([{ running: true }]);

      const shown: string[] = [];
      const mark = receiver.arrivals.length;
      const second = await world.start(
        { WHATSAPP_SESSIONS_POSTGRESQL_URL: schema.url, WAHA_PRINT_QR: 'true' },
        { printQr: (_s, v) => shown.push(v) },
      );
      started.push(second);
      await second.restored;
      await reach(second.sessions, S, 'WORKING', 30_000);
      expect(shown).toEqual([]);
      expect(second.sessions.get(S).config).toEqual({ webhooks, metadata: { tenant: 't1' } });
      await receiver.until(
        () => receiver.arrivals.slice(mark).some((a) => a.json.event === 'session.status' && a.json.payload.status === 'WORKING'),
        'session.status WORKING after the restart',
      );

      for (let i = 20; i < 25; i++) await sim.receive({ from: PEER, body: `pg #${i}` });
      await receiver.until(() => bodies().length >= 25, '25 message webhooks', 30_000);
      expect(bodies()).toEqual(Array.from({ length: 25 }, (_, i) => `pg #${i}`));
      // The ledger in PostgreSQL kept the catch-up after the restart from publishing the first 20 again.
      expect(new Set(messages().map((a) => a.json.payload.id)).size).toBe(messages().length);
      expect(await rows(`SELECT count(*)::int AS n FROM published_messages WHERE session = '${S}' AND id <> ''`)).toEqual([{ n: 25 }]);
      expect(await rows('SELECT max(version)::int AS v FROM schema_version')).toEqual([{ v: MIGRATIONS.length }]);
    },
    T,
  );
});
