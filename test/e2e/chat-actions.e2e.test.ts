/**
 * Acting on chats and on single messages over the real stack: each test a WORKING session of its
 * own in real Chromium on the simulator, the effect read back from the simulator's page.
 */
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from 'bun:test';
import { simContactId, simGroupId } from '../sim/index';
import { call } from '../support/messaging';
import { inSession, nextWaEvent } from '../support/parity';
import type { RunningService } from '../support/service';
import { E2eWorld } from '../support/world';

setDefaultTimeout(120_000);
let world: E2eWorld;
let svc: RunningService;

beforeAll(async () => {
  world = new E2eWorld();
  svc = await world.start();
}, 60_000);
afterAll(() => world.dispose());

describe('chats', () => {
  test('archive, unarchive and mark unread: the page shows each', () =>
    inSession(world, svc, 'chat-state', async (sim) => {
      const S = 'chat-state';
      const chat = simContactId(0);
      expect(await call(svc, 'POST', `/api/${S}/chats/${chat}/archive`)).toEqual({ status: 201, json: { success: true } });
      expect(await sim.chatState(chat)).toMatchObject({ exists: true, archived: true });
      expect(await call(svc, 'POST', `/api/${S}/chats/${chat}/unarchive`)).toEqual({ status: 201, json: { success: true } });
      expect((await sim.chatState(chat)).archived).toBe(false);

      const other = '15550107401@c.us';
      await sim.receive({ from: other, body: 'read me later' });
      await call(svc, 'POST', '/api/sendSeen', { session: S, chatId: other });
      expect(await call(svc, 'POST', `/api/${S}/chats/${other}/unread`)).toEqual({ status: 201, json: { success: true } });
      expect(await sim.chatState(other)).toMatchObject({ unreadCount: -1, markedUnread: true });
    }));

  test('delete a chat, clear a chat, read chat pictures', () =>
    inSession(world, svc, 'chat-delete', async (sim) => {
      const S = 'chat-delete';
      const doomed = '15550107402@c.us';
      const first = await sim.receive({ from: doomed, body: 'one' });
      await sim.receive({ from: doomed, body: 'two' });
      expect(await call(svc, 'DELETE', `/api/${S}/chats/${doomed}`)).toEqual({ status: 200, json: { success: true } });
      expect(await sim.message(first)).toBeNull();
      expect((await sim.actions()).find((a) => a.kind === 'chat-delete' && a.chatId === doomed)).toMatchObject({ removed: 2 });

      const seeded = simContactId(2);
      expect((await sim.chatState(seeded)).messages).toBeGreaterThan(0);
      expect(await call(svc, 'DELETE', `/api/${S}/chats/${seeded}/messages`)).toEqual({ status: 200, json: { success: true } });
      expect(await sim.chatState(seeded)).toMatchObject({ exists: true, messages: 0 });

      await sim.setProfilePic(simContactId(3), 'https://pps.whatsapp.net/v/t61.24694-24/p3.jpg');
      expect(await call(svc, 'GET', `/api/${S}/chats/${simContactId(3)}/picture`)).toEqual({
        status: 200,
        json: { url: 'https://pps.whatsapp.net/v/t61.24694-24/p3.jpg' },
      });
      expect((await call(svc, 'GET', `/api/${S}/chats/${simGroupId(0)}/picture?refresh=true`)).json.url).toStartWith(
        'https://pps.whatsapp.net/',
      );
      await sim.setProfilePic(simContactId(4), null);
      expect(await call(svc, 'GET', `/api/${S}/chats/${simContactId(4)}/picture`)).toEqual({ status: 200, json: { url: null } });
    }));
});

describe('messages in a chat', () => {
  test('edit my message: the page holds the new text, message.edited follows; a contact’s message cannot be edited', () =>
    inSession(world, svc, 'msg-edit', async (sim) => {
      const S = 'msg-edit';
      const chat = '15550107403@c.us';
      const sent = await call(svc, 'POST', '/api/sendText', { session: S, chatId: chat, text: 'helo' });
      const id: string = sent.json.id._serialized;
      const edited = nextWaEvent(svc, S, 'message.edited', (p) => p.id === id);
      const res = await call(svc, 'PUT', `/api/${S}/chats/${chat}/messages/${id}`, { text: 'hello' });
      expect(res.status).toBe(200);
      expect(res.json).toMatchObject({ body: 'hello', id: { _serialized: id } });
      expect(await sim.message(id)).toMatchObject({ body: 'hello', edited: true, previousBodies: ['helo'] });
      expect(await sim.waitForOutbox({ type: 'edit', editOf: id })).toMatchObject({ body: 'hello' });
      expect(await edited).toMatchObject({ id, body: 'hello', prevBody: 'helo', fromMe: true });

      const theirs = await sim.receive({ from: chat, body: 'not yours' });
      const refused = await call(svc, 'PUT', `/api/${S}/chats/${chat}/messages/${theirs}`, { text: 'mine now' });
      expect(refused.status).toBe(422);
      expect(refused.json.message).toContain('cannot be edited');
      expect((await sim.message(theirs))?.body).toBe('not yours');
    }));

  test('delete a message for everyone: revoked in the page, message.revoked follows', () =>
    inSession(world, svc, 'msg-delete', async (sim) => {
      const S = 'msg-delete';
      const chat = '15550107404@c.us';
      const sent = await call(svc, 'POST', '/api/sendText', { session: S, chatId: chat, text: 'oops' });
      const id: string = sent.json.id._serialized;
      const revoked = nextWaEvent(svc, S, 'message.revoked', (p) => p.revokedMessageId === sent.json.id.id);
      expect(await call(svc, 'DELETE', `/api/${S}/chats/${chat}/messages/${id}`)).toEqual({ status: 200, json: { success: true } });
      expect(await sim.message(id)).toMatchObject({ revoked: true, type: 'revoked' });
      expect(await sim.waitForOutbox({ type: 'revoke', id })).toBeDefined();
      expect((await revoked).after).toMatchObject({ fromMe: true });
      // An unknown message is a 404, not a silent success.
      expect((await call(svc, 'DELETE', `/api/${S}/chats/${chat}/messages/true_${chat}_3EB0000000000000000000`)).status).toBe(404);
    }));

  test('pin for a day, then unpin: the page shows the pin and its end', () =>
    inSession(world, svc, 'msg-pin', async (sim) => {
      const S = 'msg-pin';
      const chat = '15550107405@c.us';
      const sent = await call(svc, 'POST', '/api/sendText', { session: S, chatId: chat, text: 'pin me' });
      const id: string = sent.json.id._serialized;
      expect(await call(svc, 'POST', `/api/${S}/chats/${chat}/messages/${id}/pin`, { duration: 86400 })).toEqual({
        status: 201,
        json: { success: true },
      });
      expect((await sim.message(id))?.pinned?.expiresAt).toBeGreaterThan(Date.now() / 1000 + 86000);
      expect(await sim.waitForOutbox({ type: 'pin', pinOf: id })).toMatchObject({ duration: 86400 });
      expect(await call(svc, 'POST', `/api/${S}/chats/${chat}/messages/${id}/unpin`)).toEqual({ status: 201, json: { success: true } });
      expect((await sim.message(id))?.pinned).toBeNull();
    }));
});

describe('bad input and sessions that are not WORKING', () => {
  test('400 naming the field; 404 for an unknown session; WAHA’s 422 for a stopped one', async () => {
    const created = await call(svc, 'POST', '/api/sessions', { name: 'chat-stopped', start: false });
    expect(created.status).toBe(201);
    try {
      const chat = simContactId(0);
      const msg = `true_${chat}_3EB0000000000000000001`;
      const bad = [
        ['POST', `/api/chat-stopped/chats/not-a-chat/archive`, undefined, 'chatId'],
        ['PUT', `/api/chat-stopped/chats/${chat}/messages/${msg}`, { text: '' }, 'text'],
        ['PUT', `/api/chat-stopped/chats/${chat}/messages/nope`, { text: 'x' }, 'messageId'],
        ['POST', `/api/chat-stopped/chats/${chat}/messages/${msg}/pin`, { duration: 5 }, 'duration'],
        ['GET', `/api/chat-stopped/chats/${chat}/picture?refresh=maybe`, undefined, 'refresh'],
      ] as const;
      for (const [method, path, body, field] of bad) {
        const res = await call(svc, method, path, body);
        expect(res.status, `${method} ${path}`).toBe(400);
        expect(JSON.stringify(res.json), `${method} ${path}`).toContain(field);
      }
      for (const [method, path, body] of [
        ['POST', `/api/chat-stopped/chats/${chat}/archive`],
        ['POST', `/api/chat-stopped/chats/${chat}/unarchive`],
        ['POST', `/api/chat-stopped/chats/${chat}/unread`],
        ['DELETE', `/api/chat-stopped/chats/${chat}`],
        ['DELETE', `/api/chat-stopped/chats/${chat}/messages`],
        ['GET', `/api/chat-stopped/chats/${chat}/picture`],
        ['DELETE', `/api/chat-stopped/chats/${chat}/messages/${msg}`],
        ['PUT', `/api/chat-stopped/chats/${chat}/messages/${msg}`, { text: 'x' }],
        ['POST', `/api/chat-stopped/chats/${chat}/messages/${msg}/pin`, { duration: 86400 }],
        ['POST', `/api/chat-stopped/chats/${chat}/messages/${msg}/unpin`],
      ] as const) {
        const res = await call(svc, method, path, body);
        expect(res.status, `${method} ${path}`).toBe(422);
        expect(res.json.message, `${method} ${path}`).toContain('STOPPED');
        expect((await call(svc, method, path.replace('chat-stopped', 'no-such-session'), body)).status).toBe(404);
      }
    } finally {
      await call(svc, 'DELETE', '/api/sessions/chat-stopped');
    }
  });
});
