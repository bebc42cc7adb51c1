/**
 * whatsapp-web.js objects → WAHA payloads, on plain objects shaped like the library's
 * (the same mapping runs against real Chromium and the simulator in engine.test.ts).
 */
import { describe, expect, test } from 'bun:test';
import {
  ackName,
  boundedData,
  DATA_STRING_MAX,
  disconnectInfo,
  groupEvents,
  groupMembers,
  type LibMessage,
  presenceName,
  toCall,
  toGroupInfo,
  toPlain,
  toPollVote,
  toPresenceUpdate,
  toReaction,
  toRejectedCall,
  toWAMessage,
} from '../src/engine/webjs/mapping';

const ME = '15550001000@c.us';

const libMessage = (over: Partial<LibMessage> = {}): LibMessage => ({
  id: { fromMe: false, remote: '15550100001@c.us', id: 'ABC', _serialized: 'false_15550100001@c.us_ABC' },
  timestamp: 1741249702,
  from: '15550100001@c.us',
  to: ME,
  author: undefined,
  fromMe: false,
  body: 'hi',
  hasMedia: false,
  ack: 1,
  type: 'chat',
  _data: { t: 1741249702 },
  ...over,
});

describe('messages', () => {
  test('an incoming text in WAHA shape', () => {
    expect(toWAMessage(libMessage(), 'app')).toEqual({
      id: 'false_15550100001@c.us_ABC',
      timestamp: 1741249702,
      from: '15550100001@c.us',
      fromMe: false,
      source: 'app',
      to: ME,
      participant: null,
      body: 'hi',
      hasMedia: false,
      media: null,
      mediaUrl: null,
      ack: 1,
      ackName: 'SERVER',
      location: null,
      vCards: [],
      replyTo: null,
      _data: { t: 1741249702 },
    });
  });

  test('media metadata, a reply and a group author', () => {
    const m = libMessage({
      hasMedia: true,
      body: 'caption',
      author: '15550100002@c.us',
      _data: {
        mimetype: 'image/jpeg',
        filename: 'a.jpg',
        quotedStanzaID: 'Q1',
        quotedParticipant: { _serialized: '15550100003@c.us' },
        quotedMsg: { body: 'earlier' },
      },
    });
    const w = toWAMessage(m, 'api', { url: 'http://h/api/files/s/x.jpg', mimetype: 'image/jpeg', filename: 'a.jpg' });
    expect({ media: w.media, mediaUrl: w.mediaUrl, replyTo: w.replyTo, participant: w.participant, author: w.author }).toEqual({
      media: { url: 'http://h/api/files/s/x.jpg', mimetype: 'image/jpeg', filename: 'a.jpg' },
      mediaUrl: 'http://h/api/files/s/x.jpg',
      replyTo: { id: 'Q1', participant: '15550100003@c.us', body: 'earlier', hasMedia: false, media: null, _data: { body: 'earlier' } },
      participant: '15550100002@c.us',
      author: '15550100002@c.us',
    });
    expect(toWAMessage(libMessage(), 'app')).not.toHaveProperty('author');
  });

  test('a reply to media: hasMedia and what is known of it, the caption as body, not the thumbnail', () => {
    const quotedMsg = { type: 'image', body: '/9j/4AAQthumbnail', caption: 'the view', mimetype: 'image/jpeg' };
    const w = toWAMessage(libMessage({ _data: { quotedStanzaID: 'Q2', quotedParticipant: ME, quotedMsg } }), 'app');
    expect(w.replyTo).toEqual({
      id: 'Q2',
      participant: ME,
      body: 'the view',
      hasMedia: true,
      media: { url: null, mimetype: 'image/jpeg', filename: null },
      _data: quotedMsg,
    });
    const bare = toWAMessage(libMessage({ _data: { quotedStanzaID: 'Q3', quotedMsg: { type: 'image', body: '/9j/4AAQ' } } }), 'app');
    expect(bare.replyTo).not.toHaveProperty('body');
  });

  test("a location: WAHA's WALocation with the live flag and the comment as description", () => {
    const m = libMessage({
      type: 'location',
      location: {
        latitude: 52.52,
        longitude: 13.4,
        name: 'Office',
        address: 'Main St 1',
        url: 'https://maps.example/x',
        description: 'Office\nMain St 1',
      },
      _data: { isLive: false, comment: 'see you there' },
    });
    expect(toWAMessage(m, 'app').location).toEqual({
      live: false,
      latitude: 52.52,
      longitude: 13.4,
      name: 'Office',
      address: 'Main St 1',
      description: 'see you there',
      url: 'https://maps.example/x',
    });
  });

  test('contact cards: vCards as the library lists them', () => {
    const card = 'BEGIN:VCARD\nVERSION:3.0\nFN:Jane\nEND:VCARD';
    expect(toWAMessage(libMessage({ type: 'vcard', vCards: [card] }), 'app').vCards).toEqual([card]);
  });

  test('_data is bounded: long strings (media bodies) and deep nesting are left out, the rest kept', () => {
    const huge = 'A'.repeat(DATA_STRING_MAX + 1);
    let deep: Record<string, unknown> = { end: true };
    for (let i = 0; i < 10; i++) deep = { deep };
    const data = { body: huge, mimetype: 'image/jpeg', size: 3, nested: { thumb: huge, ok: 'yes' }, list: [huge, 'x'], deep, fn: () => 1 };
    const bounded = boundedData(data);
    expect(bounded).toMatchObject({ mimetype: 'image/jpeg', size: 3, nested: { ok: 'yes' }, list: [null, 'x'] });
    expect(bounded).not.toHaveProperty('body');
    expect(bounded).not.toHaveProperty('fn');
    expect(bounded.nested).not.toHaveProperty('thumb');
    expect(JSON.stringify(bounded).length).toBeLessThan(1000);
    expect(toWAMessage(libMessage({ _data: data }), 'app')._data).toEqual(bounded);
  });

  test('ack names, -1 … 4, and unknown values', () => {
    expect([-1, 0, 1, 2, 3, 4, 7].map(ackName)).toEqual(['ERROR', 'PENDING', 'SERVER', 'DEVICE', 'READ', 'PLAYED', 'UNKNOWN']);
  });

  test('toPlain drops the non-enumerable client back reference', () => {
    const msg = { id: { _serialized: 'x' }, body: 'b' };
    Object.defineProperty(msg, 'client', { value: { huge: true }, enumerable: false });
    expect(toPlain(msg)).toEqual({ id: { _serialized: 'x' }, body: 'b' });
  });
});

describe('other events', () => {
  test('reaction and call', () => {
    const r = {
      id: { fromMe: false, remote: '15550100001@c.us', _serialized: 'false_15550100001@c.us_R1' },
      msgId: { _serialized: 'true_15550100001@c.us_M1' },
      senderId: '15550100001@c.us',
      reaction: '👍',
      timestamp: 5,
    };
    expect(toReaction(r, ME)).toEqual({
      id: 'false_15550100001@c.us_R1',
      from: '15550100001@c.us',
      fromMe: false,
      participant: '15550100001@c.us',
      to: ME,
      timestamp: 5,
      reaction: { text: '👍', messageId: 'true_15550100001@c.us_M1' },
    });
    expect(toCall({ id: 'C1', from: '15550100001@c.us', timestamp: 9, isVideo: true, isGroup: false })).toEqual({
      id: 'C1',
      from: '15550100001@c.us',
      timestamp: 9,
      isVideo: true,
      isGroup: false,
    });
  });

  test("group notifications: WAHA's group.v2.* payloads, join and leave when it is us, update with the group as it is", async () => {
    const base = { chatId: '120363990000000001@g.us', author: '15550100001@c.us', body: '', timestamp: 7 };
    const info = { id: base.chatId, subject: 'Team', description: '' };
    const reads: boolean[] = [];
    const read = async (all: boolean) => {
      reads.push(all);
      return { ...info, ...(all ? { participants: [] } : {}) };
    };
    const joined = await groupEvents({ ...base, type: 'add', recipientIds: [ME] }, ME, read);
    expect(joined.map((e) => e.event)).toEqual(['group.v2.join', 'group.v2.participants']);
    expect(joined[0]!.payload).toEqual({
      timestamp: 7,
      group: { ...info, participants: [] },
      _data: { ...base, type: 'add', recipientIds: [ME] },
    });

    const removed = { ...base, type: 'remove', recipientIds: ['15550100009@c.us', '80000015550100@lid'] };
    expect(await groupEvents(removed, ME, read)).toEqual([
      {
        event: 'group.v2.participants',
        payload: {
          group: { id: base.chatId },
          type: 'leave',
          timestamp: 7,
          participants: [
            { id: '15550100009@c.us', pn: '15550100009@c.us', role: 'left' },
            { id: '80000015550100@lid', pn: null, role: 'left' },
          ],
          _data: removed,
        },
      },
    ]);
    const left = await groupEvents({ ...base, type: 'leave', author: ME, recipientIds: [ME] }, ME, read);
    expect(left.map((e) => [e.event, e.payload.group])).toEqual([
      ['group.v2.leave', { id: base.chatId }],
      ['group.v2.participants', { id: base.chatId }],
    ]);
    const promoted = await groupEvents({ ...base, type: 'promote', recipientIds: ['15550100009@c.us'] }, ME, read);
    expect(promoted[0]!.payload.participants).toEqual([{ id: '15550100009@c.us', pn: '15550100009@c.us', role: 'admin' }]);

    const renamed = { ...base, type: 'subject', body: 'New name', recipientIds: [] };
    expect(await groupEvents(renamed, ME, read)).toEqual([
      { event: 'group.v2.update', payload: { group: info, timestamp: 7, _data: renamed } },
    ]);
    // The participant list is read only for a join of ours.
    expect(reads).toEqual([true, false]);
  });

  test('GroupInfo: the invite link for admins, settings by their meaning', () => {
    const g = {
      id: { _serialized: 'g@g.us' },
      name: 'Team',
      description: 'd',
      groupMetadata: { announce: true, memberAddMode: 'all_member_add' },
    };
    expect(toGroupInfo(g, 'AbCd', [])).toEqual({
      id: 'g@g.us',
      subject: 'Team',
      description: 'd',
      invite: 'https://chat.whatsapp.com/AbCd',
      membersCanAddNewMember: true,
      membersCanSendMessages: false,
      newMembersApprovalRequired: false,
      participants: [],
    });
    expect(toGroupInfo({ ...g, groupMetadata: {} }, undefined)).toMatchObject({
      membersCanSendMessages: true,
      membersCanAddNewMember: false,
    });
    expect('invite' in toGroupInfo(g, undefined)).toBe(false);
    expect(
      groupMembers([
        { id: { _serialized: '1@c.us' }, isAdmin: true, isSuperAdmin: true },
        { id: { _serialized: '2@c.us' }, isAdmin: true },
        { id: { _serialized: '3@c.us' } },
      ]),
    ).toEqual([
      { id: '1@c.us', pn: '1@c.us', role: 'superadmin' },
      { id: '2@c.us', pn: '2@c.us', role: 'admin' },
      { id: '3@c.us', pn: '3@c.us', role: 'participant' },
    ]);
  });

  test('disconnect reasons: unlinked ones are logged out, the rest are retried', () => {
    expect(
      ['LOGOUT', 'UNPAIRED', 'UNPAIRED_IDLE', 'CONFLICT', 'TOS_BLOCK', 'NAVIGATION: x'].map((r) => disconnectInfo(r).loggedOut),
    ).toEqual([true, true, true, false, false, false]);
  });
});

describe('poll votes, presence and rejected calls', () => {
  const ME = '15550001000@c.us';
  const poll = (remote: unknown, fromMe = false) => ({
    id: { fromMe, remote, id: 'POLL1', _serialized: `${fromMe}_15550100001@c.us_POLL1` },
  });

  test('poll.vote: the poll and the vote, from and to; a chat given as a wid object', () => {
    const wid = { server: 'c.us', user: '15550100001', _serialized: '15550100001@c.us' };
    const mapped = toPollVote(
      { voter: wid, selectedOptions: [{ name: 'pizza', localId: 0 }], interractedAtTs: 1700000000000, parentMessage: poll(wid) },
      ME,
    );
    expect(mapped?.event).toBe('poll.vote');
    expect(mapped?.payload).toMatchObject({
      poll: { id: 'false_15550100001@c.us_POLL1', from: '15550100001@c.us', to: ME, fromMe: false },
      vote: {
        id: 'false_15550100001@c.us_POLL1',
        from: '15550100001@c.us',
        to: ME,
        fromMe: false,
        selectedOptions: ['pizza'],
        timestamp: 1700000000000,
      },
    });
  });

  test('poll.vote.failed when the vote cannot be matched with its poll (no option names); null without a poll', () => {
    const unmatched = toPollVote(
      { voter: ME, selectedOptions: [{ localId: 2 }], interractedAtTs: 1, parentMessage: poll('15550100001@c.us') },
      ME,
    );
    expect(unmatched?.event).toBe('poll.vote.failed');
    expect(unmatched?.payload.vote).toMatchObject({ fromMe: true, from: ME, to: '15550100001@c.us', selectedOptions: [] });
    expect(toPollVote({ voter: ME, selectedOptions: [], interractedAtTs: 1, parentMessage: null }, ME)).toBeNull();
  });

  test("a group member's vote names them as participant", () => {
    const member = '15550100002@c.us';
    const mapped = toPollVote(
      { voter: member, selectedOptions: [], interractedAtTs: 1, parentMessage: poll('120363990000000000@g.us', true) },
      ME,
    );
    expect(mapped?.payload.vote).toMatchObject({
      id: `false_120363990000000000@g.us_POLL1_${member}`,
      from: member,
      participant: member,
      selectedOptions: [],
    });
  });

  test('presence names and presence.update', () => {
    expect(['available', 'unavailable', 'typing', 'recording_audio', 'paused', undefined].map((t) => presenceName(t))).toEqual([
      'online',
      'offline',
      'typing',
      'recording',
      'paused',
      'offline',
    ]);
    expect(toPresenceUpdate({ chatId: 'g@g.us', participant: 'a@c.us', type: 'typing', t: 5 })).toEqual({
      id: 'g@g.us',
      presences: [{ participant: 'a@c.us', lastKnownPresence: 'typing', lastSeen: 5 }],
    });
  });

  test('call.rejected', () => {
    expect(toRejectedCall('15550100001@c.us', 'CALL1', 10)).toEqual({
      id: 'CALL1',
      from: '15550100001@c.us',
      timestamp: 10,
      isVideo: false,
      isGroup: false,
      _data: { id: 'CALL1', from: '15550100001@c.us', status: 'reject', api: true },
    });
  });
});
