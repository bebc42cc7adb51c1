/**
 * Every group route over the real stack — the service, whatsapp-web.js in real Chromium, the
 * simulator playing WhatsApp's server — checked in the simulator's own state, and the
 * group.v2.* events those changes (and other members' changes) send, over /ws.
 * One WORKING session for the file; every test works on groups of its own.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import type { SimControl } from '../sim/control';
import { DEFAULT_ME, simContactId, simGroupId } from '../sim/index';
import { call, PNG_1X1, WsClient, workingSession } from '../support/messaging';
import type { RunningService } from '../support/service';
import { E2eWorld, http } from '../support/world';

const S = 'grp';
const ME = `${DEFAULT_ME.number}@c.us`;
const ANA = simContactId(0);
const BEN = simContactId(1);
const CARLA = simContactId(2);
let serial = 0;
/** A fresh group id per use, so no test sees another's groups. */
const newGroupId = () => `120363771${String(++serial).padStart(9, '0')}@g.us`;

let world: E2eWorld;
let svc: RunningService;
let sim: SimControl;
let ws: WsClient;

beforeAll(async () => {
  world = new E2eWorld();
  svc = await world.start();
  sim = await workingSession(world, svc, S);
  ws = new WsClient(svc, `session=${S}&events=group.v2.join,group.v2.leave,group.v2.participants,group.v2.update`);
  await ws.opened;
}, 90_000);
afterAll(async () => {
  ws?.close();
  await call(svc, 'DELETE', `/api/sessions/${S}`);
  await world.dispose();
});

const api = (method: string, path: string, body?: unknown) => call(svc, method, `/api/${S}/groups${path}`, body);
/** Starts watching /ws for the next `event` of group `id` (matching `also`); `payload()` waits for it. */
const waitFor = (event: string, id: string, also?: (p: any) => boolean) => {
  const from = ws.envelopes.length;
  return {
    async payload() {
      const match = (e: any) => e.event === event && e.payload.group?.id === id && (!also || also(e.payload));
      await ws.until(() => ws.envelopes.slice(from).some(match), `${event} for ${id}`);
      return ws.envelopes.slice(from).find(match)!.payload;
    },
  };
};

describe('listing and reading', () => {
  test('list (sorted, paged, without members), count, one group, participants v1 and v2', async () => {
    const id = await sim.addGroup({ id: newGroupId(), subject: 'Aaa first', participants: [ANA, BEN], admins: [BEN] });
    const all = await api('GET', '?sortBy=subject&sortOrder=asc');
    expect(all.status).toBe(200);
    expect(all.json[0].id._serialized).toBe(id);
    expect(all.json.map((g: any) => g.id._serialized)).toContain(simGroupId(0));
    expect((await api('GET', '/count')).json).toEqual({ count: all.json.length });
    const page = await api('GET', '?sortBy=id&sortOrder=desc&limit=1&offset=0');
    expect(page.json).toHaveLength(1);
    const lean = await api('GET', '?exclude=participants&limit=1&sortBy=subject');
    expect(lean.json[0].participants).toBeUndefined();
    expect(lean.json[0].groupMetadata.participants).toBeUndefined();

    const one = await api('GET', `/${id}`);
    expect(one.json).toMatchObject({ name: 'Aaa first', isGroup: true });
    const v1 = await api('GET', `/${id}/participants`);
    expect(v1.json).toEqual([
      { id: { server: 'c.us', user: DEFAULT_ME.number, _serialized: ME }, isAdmin: true, isSuperAdmin: true },
      expect.objectContaining({ id: expect.objectContaining({ _serialized: ANA }), isAdmin: false, isSuperAdmin: false }),
      expect.objectContaining({ id: expect.objectContaining({ _serialized: BEN }), isAdmin: true, isSuperAdmin: false }),
    ]);
    expect((await api('GET', `/${id}/participants/v2`)).json).toEqual([
      { id: ME, pn: ME, role: 'superadmin' },
      { id: ANA, pn: ANA, role: 'participant' },
      { id: BEN, pn: BEN, role: 'admin' },
    ]);
    expect((await api('POST', '/refresh')).json).toEqual({ success: true });
  });

  test('bad input is a 400 naming the field; an unknown group a 404', async () => {
    const bad = await api('GET', '/not-a-group');
    expect(bad.status).toBe(400);
    expect(bad.json.details.field).toBe('id');
    const participants = await api('POST', `/${simGroupId(0)}/admin/promote`, { participants: [{ id: 'nobody' }] });
    expect(participants.status).toBe(400);
    expect(participants.json.details.field).toBe('participants.0.id');
    expect((await api('PUT', `/${simGroupId(0)}/subject`, { subject: '' })).json.details.field).toBe('subject');
    expect((await api('GET', '/120363000000000001@g.us/participants/v2')).status).toBe(404);
    expect((await api('GET', '/join-info?code=not%20a%20code')).status).toBe(400);
  });
});

describe('membership', () => {
  test('create, add, promote, demote, remove: the server has each change, group.v2.participants says it', async () => {
    const created = await api('POST', '', { name: 'Made by the API', participants: [{ id: ANA }] });
    expect(created.status).toBe(201);
    const id: string = created.json.id;
    const roles = async () => (await sim.group(id))?.participants;

    const added = waitFor('group.v2.participants', id, (p) => p.type === 'join');
    expect((await api('POST', `/${id}/participants/add`, { participants: [{ id: BEN }] })).status).toBe(200);
    expect(await roles()).toContainEqual({ id: BEN, role: 'participant' });
    expect(await added.payload()).toMatchObject({
      group: { id },
      type: 'join',
      participants: [{ id: BEN, pn: BEN, role: 'participant' }],
      _data: { type: 'add', author: ME },
    });

    const promoted = waitFor('group.v2.participants', id, (p) => p.type === 'promote');
    expect((await api('POST', `/${id}/admin/promote`, { participants: [{ id: BEN }] })).json).toEqual({ status: 200 });
    expect(await roles()).toContainEqual({ id: BEN, role: 'admin' });
    expect((await promoted.payload()).participants).toEqual([{ id: BEN, pn: BEN, role: 'admin' }]);

    expect((await api('POST', `/${id}/admin/demote`, { participants: [{ id: BEN }] })).status).toBe(200);
    expect(await roles()).toContainEqual({ id: BEN, role: 'participant' });

    const removed = waitFor('group.v2.participants', id, (p) => p.type === 'leave');
    expect((await api('POST', `/${id}/participants/remove`, { participants: [{ id: ANA }] })).status).toBe(200);
    expect((await roles())?.map((p) => p.id)).toEqual([ME, BEN]);
    expect((await removed.payload()).participants).toEqual([{ id: ANA, pn: ANA, role: 'left' }]);
  });

  test("without admin rights: adding is a 422 with WhatsApp's reason, promoting a 502 naming the call", async () => {
    const id = await sim.addGroup({ id: newGroupId(), subject: 'Not ours', participants: [ANA, BEN], owner: ANA });
    const add = await api('POST', `/${id}/participants/add`, { participants: [{ id: CARLA }] });
    expect(add.status).toBe(422);
    expect(add.json.message).toContain('no admin rights');
    const promote = await api('POST', `/${id}/admin/promote`, { participants: [{ id: BEN }] });
    expect(promote.status).toBe(502);
    expect(promote.json.details).toEqual({ call: 'groups.updateParticipants' });
    expect((await sim.group(id))?.participants.map((p) => p.id)).not.toContain(CARLA);
  });

  test('join info and join by invite link (group.v2.join with the group), then leave (group.v2.leave)', async () => {
    const id = await sim.addGroup({
      id: newGroupId(),
      subject: 'Book club',
      description: 'Monthly',
      participants: [ANA, BEN],
      owner: ANA,
      member: false,
    });
    const code = await sim.groupInviteCode(id);
    const info = await api('GET', `/join-info?code=${encodeURIComponent(`https://chat.whatsapp.com/${code}`)}`);
    expect(info.status).toBe(200);
    expect(info.json).toMatchObject({ id: { _serialized: id }, subject: 'Book club', size: 2 });

    const joined = waitFor('group.v2.join', id);
    expect(await api('POST', '/join', { code })).toEqual({ status: 200, json: { id } });
    expect((await sim.group(id))?.member).toBe(true);
    const join = await joined.payload();
    expect(join.group).toMatchObject({
      id,
      subject: 'Book club',
      description: 'Monthly',
      membersCanSendMessages: true,
      newMembersApprovalRequired: false,
    });
    expect(join.group.invite).toBeUndefined(); // we are no admin there: WhatsApp gives us no code
    expect(join.group.participants).toContainEqual({ id: ME, pn: ME, role: 'participant' });
    expect(join._data).toMatchObject({ type: 'invite', recipientIds: [ME] });

    const left = waitFor('group.v2.leave', id);
    expect((await api('POST', `/${id}/leave`)).status).toBe(200);
    expect((await sim.group(id))?.member).toBe(false);
    expect((await left.payload()).group).toEqual({ id });

    expect((await api('POST', '/join', { code: 'NoSuchInviteCode000000' })).status).toBe(404);
    expect((await api('GET', '/join-info?code=NoSuchInviteCode000000')).status).toBe(404);
  });

  test('someone else adds us: group.v2.join; they remove us: group.v2.leave', async () => {
    const id = await sim.addGroup({ id: newGroupId(), subject: 'They add us', participants: [ANA], owner: ANA, member: false });
    const joined = waitFor('group.v2.join', id);
    await sim.groupEvent({ group: id, action: 'add', participants: [ME], by: ANA });
    expect((await joined.payload())._data).toMatchObject({ type: 'add', author: ANA });
    const left = waitFor('group.v2.leave', id);
    await sim.groupEvent({ group: id, action: 'remove', participants: [ME], by: ANA });
    expect(await left.payload()).toMatchObject({ group: { id }, _data: { type: 'remove' } });
  });
});

describe('invite code, info and settings', () => {
  test('invite code and revoke: the server holds the new code, the old one stops working', async () => {
    const id = await sim.addGroup({ id: newGroupId(), subject: 'Codes', participants: [ANA] });
    const code = await http(svc, 'GET', `/api/${S}/groups/${id}/invite-code`);
    expect(code.status).toBe(200);
    const first = await code.text();
    expect(first).toBe((await sim.group(id))?.inviteCode as string);
    const revoked = await http(svc, 'POST', `/api/${S}/groups/${id}/invite-code/revoke`);
    expect(revoked.status).toBe(200);
    const fresh = await revoked.text();
    expect(fresh).not.toBe(first);
    expect((await sim.group(id))?.inviteCode).toBe(fresh);
    expect((await api('GET', `/join-info?code=${first}`)).status).toBe(404);

    const theirs = await sim.addGroup({ id: newGroupId(), subject: 'Theirs', participants: [ANA], owner: ANA });
    const refused = await api('GET', `/${theirs}/invite-code`);
    expect(refused.status).toBe(422);
    expect(refused.json.message).toContain('only admins');
  });

  test('subject, description and both admin-only settings: set, read back, on the server, as group.v2.update', async () => {
    const id = await sim.addGroup({ id: newGroupId(), subject: 'Before', participants: [ANA] });
    const renamed = waitFor('group.v2.update', id, (p) => p._data.type === 'subject');
    expect(await api('PUT', `/${id}/subject`, { subject: 'After' })).toEqual({ status: 200, json: true });
    const update = await renamed.payload();
    expect(update.group).toMatchObject({ id, subject: 'After', invite: `https://chat.whatsapp.com/${(await sim.group(id))?.inviteCode}` });
    expect(update.group.participants).toBeUndefined();
    expect(update._data).toMatchObject({ type: 'subject', body: 'After', author: ME });

    expect((await api('PUT', `/${id}/description`, { description: 'What we do' })).json).toBe(true);
    const locked = waitFor('group.v2.update', id, (p) => p._data.type === 'announce');
    expect((await api('PUT', `/${id}/settings/security/messages-admin-only`, { adminsOnly: true })).json).toBe(true);
    expect((await locked.payload()).group.membersCanSendMessages).toBe(false);
    expect((await api('PUT', `/${id}/settings/security/info-admin-only`, {})).json).toBe(true); // adminsOnly defaults to true
    expect(await sim.group(id)).toMatchObject({ subject: 'After', description: 'What we do', announce: true, restrict: true });
    expect((await api('GET', `/${id}/settings/security/messages-admin-only`)).json).toEqual({ adminsOnly: true });
    expect((await api('GET', `/${id}/settings/security/info-admin-only`)).json).toEqual({ adminsOnly: true });
    expect((await api('PUT', `/${id}/settings/security/messages-admin-only`, { adminsOnly: false })).json).toBe(true);
    expect((await api('GET', `/${id}/settings/security/messages-admin-only`)).json).toEqual({ adminsOnly: false });
  });

  test('without the rights WhatsApp refuses: false, and nothing changes', async () => {
    const id = await sim.addGroup({ id: newGroupId(), subject: 'Locked', participants: [ANA], owner: ANA, restrict: true });
    const before = await sim.group(id);
    expect(await api('PUT', `/${id}/subject`, { subject: 'Mine now' })).toEqual({ status: 200, json: false });
    expect((await api('PUT', `/${id}/settings/security/messages-admin-only`, { adminsOnly: true })).json).toBe(false);
    expect((await api('PUT', `/${id}/picture`, { file: { mimetype: 'image/png', data: PNG_1X1.toString('base64') } })).json).toEqual({
      success: false,
    });
    expect(await sim.group(id)).toEqual(before);
  });

  test("someone else renames the group: group.v2.update with the group's new info", async () => {
    const id = await sim.addGroup({ id: newGroupId(), subject: 'Old name', participants: [ANA], owner: ANA });
    const renamed = waitFor('group.v2.update', id);
    await sim.groupEvent({ group: id, action: 'subject', subject: 'Ana renamed it', by: ANA });
    expect(await renamed.payload()).toMatchObject({ group: { id, subject: 'Ana renamed it' }, _data: { author: ANA, type: 'subject' } });
  });

  test('picture: set from base64, read as the URL WhatsApp serves, deleted', async () => {
    const id = await sim.addGroup({ id: newGroupId(), subject: 'Pictured', participants: [ANA] });
    const seeded = (await sim.group(id))?.picture?.url;
    expect((await api('GET', `/${id}/picture`)).json).toEqual({ url: seeded });
    const set = await api('PUT', `/${id}/picture`, {
      file: { mimetype: 'image/png', filename: 'p.png', data: PNG_1X1.toString('base64') },
    });
    expect(set).toEqual({ status: 200, json: { success: true } });
    const picture = (await sim.group(id))?.picture;
    expect(picture?.image).toStartWith('data:image/jpeg;base64,');
    expect((await api('GET', `/${id}/picture?refresh=true`)).json).toEqual({ url: picture?.url });
    expect((await api('DELETE', `/${id}/picture`)).json).toEqual({ success: true });
    expect((await sim.group(id))?.picture).toBeNull();
    expect((await api('GET', `/${id}/picture`)).json).toEqual({ url: null });
    const bad = await api('PUT', `/${id}/picture`, { file: { mimetype: 'image/png' } });
    expect(bad.status).toBe(400);
  });

  test('delete: the chat goes from this device, the group stays on WhatsApp', async () => {
    const id = await sim.addGroup({ id: newGroupId(), subject: 'To delete', participants: [ANA] });
    await sim.clearLogs();
    expect(await api('DELETE', `/${id}`)).toEqual({ status: 200, json: true });
    expect((await sim.actions()).filter((a) => a.kind === 'chat-delete').map((a) => a.chatId)).toEqual([id]);
    expect((await sim.group(id))?.participants.map((p) => p.id)).toContain(ME);
  });
});

describe('a session that is not WORKING', () => {
  test("is WAHA's 422 on every group route", async () => {
    expect((await call(svc, 'POST', '/api/sessions', { name: 'grp-stopped', start: false })).status).toBe(201);
    const res = await call(svc, 'GET', '/api/grp-stopped/groups/count');
    expect(res.status).toBe(422);
    expect((await call(svc, 'DELETE', '/api/sessions/grp-stopped')).status).toBe(200);
  });

  test('the simulator saw nothing the library lacked', async () => {
    expect(await sim.missing()).toEqual({ modules: [], props: [] });
  });
});
