/**
 * Groups with the real whatsapp-web.js Client against the simulator: invite codes and joining,
 * leaving, subject, description, the admin-only settings, roles, the picture, and what other
 * members do. One paired session for the file; every test works on groups of its own.
 */
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from 'bun:test';
import { type Client, type GroupChat, type GroupNotification, MessageMedia } from 'whatsapp-web.js';
import { type SimControl, SimControlServer, simOnPage } from './control';
import { nextEvent, SimRoot } from './harness';
import { allowLoopbackControl, DEFAULT_ME, simContactId } from './index';

const ME = `${DEFAULT_ME.number}@c.us`;
// Each file launches Chromium; bunfig's [test] timeout did not reach these files (5 s default seen).
setDefaultTimeout(60_000);
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';
const ANA = simContactId(0);
const BEN = simContactId(1);
const CARLA = simContactId(2);
const DEV = simContactId(3);
let serial = 0;
/** A fresh group id per use, so no test sees another's groups. */
const newGroupId = () => `120363770${String(++serial).padStart(9, '0')}@g.us`;
const wid = (w: unknown) => (w as { _serialized: string })._serialized;

let root: SimRoot;
let server: SimControlServer;
let client: Client;
let sim: SimControl;

beforeAll(async () => {
  server = SimControlServer.start();
  root = new SimRoot({ autoScan: true, controlUrl: server.url });
  allowLoopbackControl(root.profileDir()); // the loopback transport too (index.ts)
  client = root.client();
  const ready = nextEvent(client, 'ready');
  void client.initialize();
  await ready;
  sim = simOnPage(client.pupPage as never);
});
afterAll(async () => {
  await server?.stop();
  await root?.cleanup();
});

const groupChat = async (id: string) => (await client.getChatById(id)) as GroupChat;
/** The next group notification of `name` for group `id` (and `type`, when given). */
const notification = (name: string, id: string, type?: string) =>
  nextEvent<[GroupNotification]>(client, name, (n) => n.chatId === id && (!type || n.type === type)).then(([n]) => n);
const summary = (n: GroupNotification) => ({ type: String(n.type), author: n.author, recipientIds: n.recipientIds, body: n.body });

describe('groups', () => {
  test('join by invite code: join info first, then acceptInvite → group_join with us', async () => {
    const id = await sim.addGroup({
      id: newGroupId(),
      subject: 'Book club',
      description: 'One book a month',
      participants: [ANA, BEN],
      admins: [BEN],
      owner: ANA,
      member: false,
    });
    const code = await sim.groupInviteCode(id);

    const info = (await client.getInviteInfo(code)) as Record<string, unknown>;
    expect({ id: wid(info.id), subject: info.subject, desc: info.desc, size: info.size, owner: wid(info.owner) }).toEqual({
      id,
      subject: 'Book club',
      desc: 'One book a month',
      size: 2,
      owner: ANA,
    });

    const joined = notification('group_join', id);
    expect(await client.acceptInvite(code)).toBe(id);
    expect(summary(await joined)).toEqual({ type: 'invite', author: ME, recipientIds: [ME], body: '' });
    expect((await sim.group(id))?.participants).toEqual([
      { id: ANA, role: 'superadmin' },
      { id: BEN, role: 'admin' },
      { id: ME, role: 'participant' },
    ]);
    const group = await groupChat(id);
    expect({ isGroup: group.isGroup, name: group.name, description: group.description }).toEqual({
      isGroup: true,
      name: 'Book club',
      description: 'One book a month',
    });
    await expect(client.getInviteInfo('NoSuchInviteCode000000')).rejects.toThrow('not found');
    await expect(client.acceptInvite('NoSuchInviteCode000000')).rejects.toThrow('not found');
  });

  test('invite code: an admin reads and revokes it (the old one stops working); a member gets none', async () => {
    const id = await sim.addGroup({ id: newGroupId(), subject: 'Ours', participants: [ANA] });
    const group = await groupChat(id);
    const code = await group.getInviteCode();
    expect(code).toBe((await sim.group(id))?.inviteCode as string);
    const fresh = (await group.revokeInvite()) as unknown as string;
    expect(fresh).not.toBe(code);
    expect((await sim.group(id))?.inviteCode).toBe(fresh);
    await expect(client.getInviteInfo(code)).rejects.toThrow('not found');
    expect(wid(((await client.getInviteInfo(fresh)) as { id: unknown }).id)).toBe(id);

    const theirs = await groupChat(await sim.addGroup({ id: newGroupId(), subject: 'Theirs', participants: [ANA], owner: ANA }));
    expect(await theirs.getInviteCode()).toBeUndefined();
    await expect(theirs.revokeInvite()).rejects.toThrow('not an admin');
  });

  test('subject, description and the admin-only settings: set, notified, read back', async () => {
    const id = await sim.addGroup({ id: newGroupId(), subject: 'Before', participants: [ANA, BEN] });
    const group = await groupChat(id);

    const renamed = notification('group_update', id, 'subject');
    expect(await group.setSubject('After')).toBe(true);
    expect(summary(await renamed)).toEqual({ type: 'subject', author: ME, recipientIds: [], body: 'After' });
    const described = notification('group_update', id, 'description');
    expect(await group.setDescription('What we do')).toBe(true);
    expect((await described).body).toBe('What we do');
    expect(await group.setDescription('What we do now')).toBe(true); // based on the current description

    const announced = notification('group_update', id, 'announce');
    expect(await group.setMessagesAdminsOnly(true)).toBe(true);
    expect((await announced).body).toBe('on');
    expect(await group.setInfoAdminsOnly(true)).toBe(true);
    expect(await group.setAddMembersAdminsOnly(true)).toBe(true);

    expect(await sim.group(id)).toMatchObject({
      subject: 'After',
      description: 'What we do now',
      announce: true,
      restrict: true,
      memberAddMode: 'admin_add',
    });
    const reread = (await groupChat(id)) as GroupChat & { groupMetadata: Record<string, unknown> };
    expect({
      name: reread.name,
      description: reread.description,
      announce: reread.groupMetadata.announce,
      restrict: reread.groupMetadata.restrict,
      isReadOnly: reread.isReadOnly,
    }).toEqual({ name: 'After', description: 'What we do now', announce: true, restrict: true, isReadOnly: true });

    expect(await group.setMessagesAdminsOnly(false)).toBe(true);
    expect((await sim.group(id))?.announce).toBe(false);
  });

  test('without admin rights: settings are refused (false), and so is the info once restricted', async () => {
    const id = await sim.addGroup({ id: newGroupId(), subject: 'Open', participants: [ANA], owner: ANA });
    const group = await groupChat(id);
    expect(await group.setSubject('Anyone may rename')).toBe(true); // info is open to members
    expect(await group.setMessagesAdminsOnly(true)).toBe(false);
    expect(await group.setInfoAdminsOnly(true)).toBe(false);

    await sim.groupEvent({ group: id, action: 'restrict', value: true, by: ANA });
    expect(await group.setSubject('Not any more')).toBe(false);
    expect(await group.setDescription('Nor this')).toBe(false);
    expect(await group.setPicture(new MessageMedia('image/png', PNG, 'p.png'))).toBe(false);
    expect(await group.deletePicture()).toBeUndefined(); // not false: the library returns early
    expect(await sim.group(id)).toMatchObject({ subject: 'Anyone may rename', description: null, announce: false, restrict: true });
  });

  test('participants with roles: promote and demote (group_admin_changed), remove; admins only', async () => {
    const id = await sim.addGroup({ id: newGroupId(), subject: 'Roles', participants: [ANA, BEN] });
    const group = await groupChat(id);
    const roles = (g: GroupChat) => g.participants.map((p) => ({ id: p.id._serialized, admin: p.isAdmin, superadmin: p.isSuperAdmin }));
    expect(roles(group)).toEqual([
      { id: ME, admin: true, superadmin: true },
      { id: ANA, admin: false, superadmin: false },
      { id: BEN, admin: false, superadmin: false },
    ]);

    const promoted = notification('group_admin_changed', id, 'promote');
    expect(await group.promoteParticipants([ANA])).toEqual({ status: 200 });
    expect(summary(await promoted)).toEqual({ type: 'promote', author: ME, recipientIds: [ANA], body: '' });
    expect((await sim.group(id))?.participants).toContainEqual({ id: ANA, role: 'admin' });
    const demoted = notification('group_admin_changed', id, 'demote');
    await group.demoteParticipants([ANA]);
    expect((await demoted).recipientIds).toEqual([ANA]);
    const removed = notification('group_leave', id, 'remove');
    await group.removeParticipants([BEN]);
    expect((await removed).recipientIds).toEqual([BEN]);
    expect((await sim.group(id))?.participants).toEqual([
      { id: ME, role: 'superadmin' },
      { id: ANA, role: 'participant' },
    ]);

    // Ids that are not members are dropped by the library: still { status: 200 }, nothing changes.
    expect(await group.promoteParticipants([CARLA])).toEqual({ status: 200 });
    expect((await sim.group(id))?.participants.map((p) => p.id)).toEqual([ME, ANA]);

    const theirs = await groupChat(await sim.addGroup({ id: newGroupId(), subject: 'Not ours', participants: [ANA, BEN], owner: ANA }));
    await expect(theirs.promoteParticipants([BEN])).rejects.toThrow('not an admin');
    // addParticipants checks the rights itself and resolves with a message instead.
    expect(await theirs.addParticipants([CARLA])).toBe('AddParticipantsError: You have no admin rights to add a participant to a group');
    await expect(theirs.removeParticipants([BEN])).rejects.toThrow('not an admin');
  });

  test('picture: set (group_update), read back as the profile picture URL, delete', async () => {
    const id = await sim.addGroup({ id: newGroupId(), subject: 'Pictured', participants: [ANA] });
    const group = await groupChat(id);
    const pictured = notification('group_update', id, 'picture');
    expect(await group.setPicture(new MessageMedia('image/png', PNG, 'p.png'))).toBe(true);
    expect((await pictured).author).toBe(ME);
    const picture = (await sim.group(id))?.picture;
    expect(picture?.image).toStartWith('data:image/jpeg;base64,');
    expect(await client.getProfilePicUrl(id)).toBe(picture?.url as string);

    expect(await group.deletePicture()).toBe(true);
    expect(await client.getProfilePicUrl(id)).toBeUndefined();
    expect((await sim.group(id))?.picture).toBeNull();
  });

  test('leave: group_leave with us; the chat stays, without us', async () => {
    const id = await sim.addGroup({ id: newGroupId(), subject: 'Leaving', participants: [ANA, BEN], admins: [ANA] });
    const left = notification('group_leave', id);
    await (await groupChat(id)).leave();
    expect(summary(await left)).toEqual({ type: 'leave', author: ME, recipientIds: [ME], body: '' });
    expect((await sim.group(id))?.member).toBe(false);
    const after = await groupChat(id);
    expect(after.participants.map((p) => p.id._serialized)).toEqual([ANA, BEN]);
  });

  test('other members add, remove, promote, rename, describe and lock the group: the matching events', async () => {
    const id = await sim.addGroup({ id: newGroupId(), subject: 'Busy group', participants: [ANA, BEN], owner: ANA });

    const added = notification('group_join', id, 'add');
    await sim.groupEvent({ group: id, action: 'add', participants: [CARLA, DEV], by: ANA });
    expect(summary(await added)).toEqual({ type: 'add', author: ANA, recipientIds: [CARLA, DEV], body: '' });
    const removed = notification('group_leave', id, 'remove');
    await sim.groupEvent({ group: id, action: 'remove', participants: [DEV], by: ANA });
    expect((await removed).recipientIds).toEqual([DEV]);
    const left = notification('group_leave', id, 'leave');
    await sim.groupEvent({ group: id, action: 'leave', by: CARLA });
    expect(summary(await left)).toMatchObject({ author: CARLA, recipientIds: [CARLA] });
    const promoted = notification('group_admin_changed', id, 'promote');
    await sim.groupEvent({ group: id, action: 'promote', participants: [ME], by: ANA });
    expect((await promoted).recipientIds).toEqual([ME]);

    const renamed = notification('group_update', id, 'subject');
    await sim.groupEvent({ group: id, action: 'subject', subject: 'Renamed by Ana' });
    expect(summary(await renamed)).toEqual({ type: 'subject', author: ANA, recipientIds: [], body: 'Renamed by Ana' });
    const described = notification('group_update', id, 'description');
    await sim.groupEvent({ group: id, action: 'description', description: 'Set by Ana' });
    expect((await described).body).toBe('Set by Ana');
    const locked = notification('group_update', id, 'announce');
    await sim.groupEvent({ group: id, action: 'announce', value: true });
    expect((await locked).body).toBe('on');

    const group = (await groupChat(id)) as GroupChat & { groupMetadata: { announce: boolean } };
    expect({
      name: group.name,
      description: group.description,
      announce: group.groupMetadata.announce,
      members: group.participants.map((p) => [p.id._serialized, p.isAdmin]),
    }).toEqual({
      name: 'Renamed by Ana',
      description: 'Set by Ana',
      announce: true,
      members: [
        [ME, true],
        [ANA, true],
        [BEN, false],
      ],
    });
  });

  test('someone adds us to a group we were not in: group_join with us, and the group is a chat', async () => {
    const id = await sim.addGroup({ id: newGroupId(), subject: 'New to us', participants: [ANA, BEN], owner: ANA, member: false });
    // Not in it yet: the account sees nothing of what happens there.
    expect(await sim.groupEvent({ group: id, action: 'subject', subject: 'Still new to us' })).toBeNull();
    expect((await client.getChats()).map((c) => c.id._serialized)).not.toContain(id);

    const joined = notification('group_join', id);
    await sim.groupEvent({ group: id, action: 'add', participants: [ME], by: ANA });
    expect(summary(await joined)).toEqual({ type: 'add', author: ANA, recipientIds: [ME], body: '' });
    expect((await client.getChats()).map((c) => c.id._serialized)).toContain(id);
    expect((await groupChat(id)).name).toBe('Still new to us');
    expect((await sim.group(id))?.member).toBe(true);
  });

  test('the loopback server transport drives and reads groups the same way', async () => {
    const remote = server.control();
    const id = await remote.addGroup({ id: newGroupId(), subject: 'Remote', participants: [ANA], owner: ANA });
    const renamed = notification('group_update', id, 'subject');
    await remote.groupEvent({ group: id, action: 'subject', subject: 'Renamed remotely' });
    expect((await renamed).body).toBe('Renamed remotely');
    expect(await remote.group(id)).toEqual(await sim.group(id));
    expect((await remote.group(id))?.subject).toBe('Renamed remotely');
  });

  test('the library asked for nothing the simulator lacks', async () => {
    expect(await sim.missing()).toEqual({ modules: [], props: [] });
  });
});
