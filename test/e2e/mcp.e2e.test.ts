/**
 * POST /mcp driven by the Model Context Protocol SDK's own client over streamable HTTP, with API
 * keys: an admin key lists chats and sends a text the simulator receives; a key bound to another
 * session is refused by the tools; no key is a 401. One WORKING session.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { SimControl } from '../sim/control';
import { simContactId } from '../sim/index';
import { call, workingSession } from '../support/messaging';
import type { RunningService } from '../support/service';
import { E2eWorld } from '../support/world';

const S = 'agent';
const ADMIN = 'the-admin-key-of-the-mcp-test';
const PEER = simContactId(2);
let world: E2eWorld;
let svc: RunningService;
let sim: SimControl;
const clients: Client[] = [];

beforeAll(async () => {
  world = new E2eWorld();
  svc = await world.start({ WAHA_NO_API_KEY: 'false', WAHA_API_KEY: ADMIN });
  sim = await workingSession(world, svc, S, {}, { 'x-api-key': ADMIN });
}, 90_000);
afterAll(async () => {
  for (const c of clients) await c.close();
  await call(svc, 'DELETE', `/api/sessions/${S}`, undefined, { 'x-api-key': ADMIN });
  await world.dispose();
});

async function connect(key?: string): Promise<Client> {
  const transport = new StreamableHTTPClientTransport(new URL('/mcp', svc.url), {
    requestInit: { headers: key ? { 'x-api-key': key } : {} },
  });
  const client = new Client({ name: 'wabun-e2e', version: '1.0.0' });
  await client.connect(transport);
  clients.push(client);
  return client;
}
type TextResult = { content: { type: string; text: string }[]; isError?: boolean };
const text = (r: unknown) => (r as TextResult).content[0]!.text;
const json = (r: unknown) => JSON.parse(text(r));

describe('an agent with an admin key', () => {
  test('lists the tools, the sessions and the chats', async () => {
    const client = await connect(ADMIN);
    const tools = (await client.listTools()).tools.map((t) => t.name).sort();
    expect(tools).toEqual(['check_number', 'list_chats', 'list_groups', 'list_sessions', 'read_messages', 'send_text']);
    expect(json(await client.callTool({ name: 'list_sessions', arguments: {} })).map((s: any) => [s.name, s.status])).toEqual([
      [S, 'WORKING'],
    ]);
    const chats = json(await client.callTool({ name: 'list_chats', arguments: { session: S, limit: 10 } }));
    const direct = await call(svc, 'GET', `/api/${S}/chats?limit=10&sortBy=conversationTimestamp&sortOrder=desc`, undefined, {
      'x-api-key': ADMIN,
    });
    expect(chats.map((c: any) => c.id._serialized)).toEqual(direct.json.map((c: any) => c.id._serialized));
    expect(chats.length).toBeGreaterThan(0);
  });

  test('sends a text the simulator receives, then reads it back', async () => {
    const client = await connect(ADMIN);
    const sent = json(await client.callTool({ name: 'send_text', arguments: { session: S, chatId: PEER, text: 'hello from an agent' } }));
    const received = await sim.waitForOutbox({ id: sent.id._serialized });
    expect({ chatId: received.chatId, body: received.body }).toEqual({ chatId: PEER, body: 'hello from an agent' });
    const messages = json(await client.callTool({ name: 'read_messages', arguments: { session: S, chatId: PEER, limit: 5 } }));
    expect(messages.at(-1)).toMatchObject({ body: 'hello from an agent', fromMe: true, source: 'api' });
  });

  test('bad arguments and a missing session are tool errors that say why', async () => {
    const client = await connect(ADMIN);
    const bad = (await client.callTool({ name: 'send_text', arguments: { session: S, chatId: 'nobody', text: 'x' } })) as TextResult;
    expect(bad.isError).toBe(true);
    expect(text(bad)).toContain('chatId');
    const missing = (await client.callTool({ name: 'list_chats', arguments: { session: 'no-such-session' } })) as TextResult;
    expect(missing.isError).toBe(true);
    expect(text(missing)).toStartWith('404');
  });
});

describe('keys', () => {
  test('a key bound to another session: the tools refuse it, as the routes would', async () => {
    await call(svc, 'POST', '/api/sessions', { name: 'other', start: false }, { 'x-api-key': ADMIN });
    const key = await call(svc, 'POST', '/api/keys', { isAdmin: false, session: 'other', isActive: true }, { 'x-api-key': ADMIN });
    const client = await connect(key.json.key);
    expect(json(await client.callTool({ name: 'list_sessions', arguments: {} })).map((s: any) => s.name)).toEqual(['other']);
    const before = (await sim.outbox()).length;
    const send = (await client.callTool({ name: 'send_text', arguments: { session: S, chatId: PEER, text: 'not allowed' } })) as TextResult;
    expect(send.isError).toBe(true);
    expect(text(send)).toStartWith('403');
    expect((await sim.outbox()).length).toBe(before);
    await call(svc, 'DELETE', '/api/sessions/other', undefined, { 'x-api-key': ADMIN });
  });

  test('no key, a wrong key or a media key: refused before any tool runs', async () => {
    await expect(connect()).rejects.toThrow('401');
    await expect(connect('key_wrong0000000000000000000000000000')).rejects.toThrow('401');
    const media = await call(svc, 'POST', '/api/keys/media', { session: S }, { 'x-api-key': ADMIN });
    await expect(connect(media.json.key)).rejects.toThrow('403');
  });
});
