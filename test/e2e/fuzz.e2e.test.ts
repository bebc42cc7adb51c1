/**
 * The fuzz suite: the compiled executable beside the simulator with a WORKING session, and a few
 * thousand requests generated from its own OpenAPI document (valid bodies, then every mutation of
 * body, path, query and key; test/support/fuzz) plus hand-written ones at the edge, sent as raw
 * HTTP/1.1, 8 at a time. Holds: no 5xx but the engine's documented ones, every error in the JSON
 * shape (Bun's own parser refusals aside: 4xx/505 or no answer, and the connection closed), an
 * answer to every request before the server's idle time-out (none stalls), /health answering 200 throughout, the process alive with only JSON on
 * stdout and the session still WORKING. Prints one line of counts.
 */
import { afterAll, expect, test } from 'bun:test';
import { ensureBuilt } from '../../scripts/build';
import { simContactId, simGroupId } from '../sim/index';
import { edgeCases, type FuzzCase, operationCases } from '../support/fuzz/cases';
import { type Operation, operationsOf } from '../support/fuzz/openapi';
import { PNG_1X1 } from '../support/messaging';
import { allGone, type Started, startProcess } from '../support/process';
import { type RawResponse, rawRequest } from '../support/raw-http';
import { Receiver } from '../support/webhooks';
import { E2eWorld, processesOf } from '../support/world';

const S = 'default';
/** Stopped sessions that lifecycle operations act on instead of S: DELETE on DOOMED, the rest on OTHER. */
const OTHER = 'fuzz-other';
const DOOMED = 'fuzz-doomed';
const KEY = 'fuzz-key';
const CONCURRENCY = 8;
/** A request with no answer by then stalled: the server's idle time-out (src/http/server.ts). */
const STALL_MS = 30_000;
/** Every status some operation documents: a request whose odd path reached another route may answer that route's. */
let documentedAnywhere = new Set<number>();
/** Errors the service logs only when a request found a bug. */
const BUG_LINES = ['unhandled error', 'unhandled server error', 'request failed at the edge', 'response does not match its schema'];
const MARK = `WABUN_E2E_FUZZ=${crypto.randomUUID()}`;

const world = new E2eWorld();
const receiver = new Receiver();
let service: Started | undefined;
afterAll(async () => {
  service?.kill('SIGKILL');
  await service?.proc.exited;
  for (const pid of processesOf(world.sessionDir(S))) process.kill(pid, 'SIGKILL');
  await receiver.stop();
  await world.dispose();
});

interface Tally {
  requests: number;
  byClass: Record<'2xx' | '3xx' | '4xx' | 'documented5xx' | 'undocumented5xx' | 'bunRefused', number>;
  statuses: Record<number, number>;
  slowest: { ms: number; label: string };
  problems: string[];
}

/** Counts one answer and records what is wrong with it. */
function judge(c: FuzzCase, res: RawResponse, ms: number, t: Tally): void {
  t.requests++;
  t.statuses[res.status] = (t.statuses[res.status] ?? 0) + 1;
  if (ms > t.slowest.ms) t.slowest = { ms: Math.round(ms), label: c.label };
  const problem = (what: string) => t.problems.push(`${c.label}: ${what} (${res.status} ${res.body.slice(0, 160)})`);
  if (!('x-request-id' in res.headers)) {
    // Not answered by our code: only Bun's parser may do that, and only for what it refuses.
    t.byClass.bunRefused++;
    if (!c.bunRefuses) problem('answered without passing the edge');
    else if (!(res.status === 0 || res.status === 505 || (res.status >= 400 && res.status < 500)))
      problem('a bare answer that is not 4xx/505');
    return;
  }
  const s = res.status;
  if (c.keyless && s < 300) problem('a route that needs the key answered without it');
  if (s >= 500) {
    // 501 (WAHA's "not implemented by the engine"), 502/504 (WhatsApp Web failed or was slow) and
    // 503 (not available now) are answers a route may document; a 500 never is.
    const documented = s !== 500 && (!!c.op?.documented.has(s) || (c.label.includes('}=') && documentedAnywhere.has(s)));
    t.byClass[documented ? 'documented5xx' : 'undocumented5xx']++;
    if (!documented) problem('an undocumented 5xx');
  } else t.byClass[s >= 400 ? '4xx' : s >= 300 ? '3xx' : '2xx']++;
  // /mcp speaks JSON-RPC, whose errors have their own shape.
  if (s >= 300 && !c.head.startsWith('HEAD ') && c.op?.path !== '/mcp') {
    let body: Record<string, unknown> | null = null;
    try {
      body = JSON.parse(res.body);
    } catch {
      /* judged below */
    }
    if (!body || body.statusCode !== s || typeof body.error !== 'string' || typeof body.message !== 'string')
      problem('an error not in the {statusCode, error, message} shape');
  }
}

/** Runs `fn` over `items`, `n` at a time. */
async function pool<T>(items: T[], n: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: n }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

/** A fixed shuffle (so a failing case comes back in the same company): operations interleave. */
function shuffled<T>(items: T[]): T[] {
  const out = [...items];
  let seed = 20260401;
  for (let i = out.length - 1; i > 0; i--) {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    const j = seed % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

test('fuzz: thousands of generated and hand-written requests against the binary with a WORKING session', async () => {
  const built = await ensureBuilt();
  const [markName, markValue] = MARK.split('=') as [string, string];
  const env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: world.root,
    [markName]: markValue,
    // One browser at most: what the fuzz starts beyond S is refused by the cap, not launched.
    ...world.env({ WAHA_NO_API_KEY: 'false', WAHA_API_KEY: KEY, WAHA_LOG_LEVEL: 'info', MAX_RUNNING_SESSIONS: '1', MAX_SESSIONS: '20' }),
  };
  service = await startProcess([built.outfile], { cwd: world.root, env });
  const base = `http://127.0.0.1:${service.port}`;
  const api = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(base + path, {
      method,
      headers: { 'x-api-key': KEY, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, json: (await res.json()) as any };
  };

  world.allowControl(S);
  const page = world.sim.nextPage();
  const hook = { url: receiver.url, events: ['session.status'] };
  expect((await api('POST', '/api/sessions', { name: S, config: { webhooks: [hook] } })).status).toBe(201);
  const sim = world.sim.control((await page).profileId);
  const status = (s: string) => receiver.until(() => receiver.arrivals.some((a) => a.json.payload?.status === s), s, 30_000);
  await status('SCAN_QR_CODE');
  await sim.scan();
  await status('WORKING');
  for (const name of [OTHER, DOOMED]) expect((await api('POST', '/api/sessions', { name, start: false })).status).toBe(201);
  const first = await api('POST', '/api/sendText', { session: S, chatId: simContactId(1), text: 'before the fuzz' });
  expect(first.status).toBe(201);
  const messageId: string = first.json.id._serialized;

  const doc = await (await fetch(`${base}/docs/json`)).json();
  // POST /api/server/stop ends the process by design (test/e2e/server-stop.e2e.test.ts; its bad
  // bodies: test/server.test.ts): fuzzed, it would stop the service the suite is judging.
  const ops = operationsOf(doc).filter((op) => op.path !== '/api/server/stop');
  let turn = 0;
  const seeds = {
    chatId: () => simContactId(1 + (turn++ % 8)),
    contactId: () => simContactId(1),
    phone: () => '15550100001',
    id: () => simGroupId(0),
    participants: () => [{ id: simContactId(3) }],
    messageId: () => messageId,
    reply_to: () => messageId,
    file: () => ({ mimetype: 'image/png', filename: 'fuzz.png', data: PNG_1X1.toString('base64') }),
    name: () => 'fuzz-name',
    mentions: () => [simContactId(2)],
    messageIds: () => [messageId],
    text: () => 'fuzz',
    caption: () => 'fuzz',
    reaction: () => '👍',
    poll: () => ({ name: 'fuzz?', options: ['yes', 'no'], multipleAnswers: false }),
    // History downloads media one message at a time (bounded memory), a page round trip each: 100
    // media messages of the chats the fuzz keeps sending to take seconds here, as work, not a stall.
    limit: () => 5,
  };
  const lifecycle = (op: Operation) => op.path.startsWith('/api/sessions/{session}') && op.method !== 'GET';
  const ctx = {
    host: `127.0.0.1:${service.port}`,
    key: KEY,
    seeds,
    sessionFor: (op: Operation) => (op.method === 'DELETE' ? DOOMED : lifecycle(op) ? OTHER : S),
    open: (op: Operation) => ['/health', '/ping'].includes(op.path) || op.path.startsWith('/docs'),
  };
  const cases = shuffled([...ops.flatMap((op) => operationCases(op, ctx)), ...edgeCases(ctx.host, KEY)]);
  expect(ops.length).toBeGreaterThan(40);
  documentedAnywhere = new Set(ops.flatMap((op) => [...op.documented]));

  // /health, polled on its own connection the whole time.
  const health = { polls: 0, slowestMs: 0, bad: [] as string[] };
  let polling = true;
  const poller = (async () => {
    while (polling) {
      const t0 = performance.now();
      try {
        const res = await fetch(`${base}/health`);
        await res.arrayBuffer();
        if (res.status !== 200) health.bad.push(`status ${res.status}`);
      } catch (e) {
        health.bad.push(String(e));
      }
      health.slowestMs = Math.max(health.slowestMs, Math.round(performance.now() - t0));
      health.polls++;
      await Bun.sleep(50); // the polling rate, not a wait for a condition
    }
  })();

  const tally: Tally = {
    requests: 0,
    byClass: { '2xx': 0, '3xx': 0, '4xx': 0, documented5xx: 0, undocumented5xx: 0, bunRefused: 0 },
    statuses: {},
    slowest: { ms: 0, label: '' },
    problems: [],
  };
  const started = performance.now();
  await pool(cases, CONCURRENCY, async (c) => {
    const t0 = performance.now();
    try {
      const res = await rawRequest(service!.port, c.head, c.body ?? '', { serverCloses: c.bunRefuses, timeoutMs: STALL_MS });
      judge(c, res, performance.now() - t0, tally);
    } catch (e) {
      tally.requests++;
      tally.problems.push(`${c.label}: ${e instanceof Error ? e.message : String(e)}`);
    }
  });
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  polling = false;
  await poller;

  const b = tally.byClass;
  console.log(
    `fuzz: ${tally.requests} requests in ${seconds} s (${ops.length} operations, concurrency ${CONCURRENCY}): ` +
      `2xx ${b['2xx']}, 3xx ${b['3xx']}, 4xx ${b['4xx']}, 5xx ${b.documented5xx + b.undocumented5xx} ` +
      `(documented ${b.documented5xx} / undocumented ${b.undocumented5xx}), Bun's own refusals ${b.bunRefused}; ` +
      `slowest ${tally.slowest.ms} ms (${tally.slowest.label}); /health ${health.polls} polls, slowest ${health.slowestMs} ms; ` +
      `statuses ${JSON.stringify(tally.statuses)}`,
  );

  expect(tally.problems).toEqual([]);
  expect(b.undocumented5xx).toBe(0);
  expect(tally.requests).toBeGreaterThan(2000);
  expect(health.bad).toEqual([]);
  expect(health.polls).toBeGreaterThan(10);
  // Alive, its stdout JSON only, no line that only a bug writes, and the session untouched.
  expect(service.proc.exitCode).toBeNull();
  expect(service.otherLines).toEqual([]);
  expect(service.lines.filter((l) => BUG_LINES.includes(String(l.msg)))).toEqual([]);
  expect(service.stderr()).toBe('');
  expect((await api('GET', `/api/sessions/${S}`)).json.status).toBe('WORKING');
  // The running-session cap held: whatever the fuzz started beyond S was refused, not launched.
  for (const name of [OTHER, DOOMED, String(seeds.name())]) expect(processesOf(world.sessionDir(name))).toEqual([]);

  service.kill('SIGTERM');
  expect(await service.proc.exited).toBe(0);
  await allGone(MARK, 10_000);
}, 300_000);
