/**
 * Single messages through the real whatsapp-web.js Client: edits and revokes both ways,
 * deleting for me, pins, poll votes both ways, per-member receipts in a group, messages that
 * wait for decryption, and media bytes both ways.
 */
import { describe, expect, setDefaultTimeout, test } from 'bun:test';
import { type GroupChat, type Message, MessageMedia, Poll, type PollVote } from 'whatsapp-web.js';
import { isOggOpus, PNG_1X1, VOICE_OGG_OPUS } from './fixtures';
import { nextEvent } from './harness';
import { DEFAULT_ME, simGroupId } from './index';
import { pairedSession } from './paired';

// Each file launches Chromium; bunfig's [test] timeout did not reach these files (5 s default seen).
setDefaultTimeout(60_000);
const ME = `${DEFAULT_ME.number}@c.us`;
const paired = pairedSession();
const serialized = (id: unknown) => (id as { _serialized: string })._serialized;

describe('edits', () => {
  test('I edit my message: message_edit, an edit in the outbox, the earlier body kept', async () => {
    const { client, sim } = paired;
    const msg = await client.sendMessage('15550107201@c.us', 'helo');
    const edited = nextEvent<[Message, string, string]>(client, 'message_edit', (m) => m.id._serialized === msg.id._serialized);
    const result = await msg.edit('hello');
    const [event, newBody, prevBody] = await edited;
    expect({ result: result?.body, event: event.body, newBody, prevBody }).toEqual({
      result: 'hello',
      event: 'hello',
      newBody: 'hello',
      prevBody: 'helo',
    });
    expect(event.latestEditMsgKey).toBeDefined();
    expect(await sim.waitForOutbox({ type: 'edit', editOf: msg.id._serialized })).toMatchObject({ body: 'hello' });
    expect(await sim.message(msg.id._serialized)).toMatchObject({ body: 'hello', edited: true, previousBodies: ['helo'] });
  });

  test('the contact edits theirs: message_edit with the new and the old body; I cannot edit it', async () => {
    const { client, sim } = paired;
    const got = nextEvent<[Message]>(client, 'message', (m) => m.body === 'see you at 5');
    const id = await sim.receive({ from: '15550107202@c.us', body: 'see you at 5' });
    const [incoming] = await got;
    const edited = nextEvent<[Message, string, string]>(client, 'message_edit', (m) => m.id._serialized === id);
    await sim.editIncoming(id, 'see you at 6');
    const [message, newBody, prevBody] = await edited;
    expect({ body: message.body, newBody, prevBody, fromMe: message.fromMe }).toEqual({
      body: 'see you at 6',
      newBody: 'see you at 6',
      prevBody: 'see you at 5',
      fromMe: false,
    });
    expect(await incoming.edit('mine now')).toBeNull(); // the library refuses edits of others' messages
  });
});

describe('revokes and deletes', () => {
  test('delete for everyone: a revoke in the outbox, message_revoke_everyone with the revoked id', async () => {
    const { client, sim } = paired;
    const msg = await client.sendMessage('15550107203@c.us', 'oops');
    const revoked = nextEvent<[Message, Message | undefined]>(
      client,
      'message_revoke_everyone',
      (m) => m.id._serialized === msg.id._serialized,
    );
    await msg.delete(true);
    const [after] = await revoked;
    expect({ type: String(after.type), body: after.body, revokedId: (after.protocolMessageKey as { id: string }).id }).toEqual({
      type: 'revoked',
      body: '',
      revokedId: msg.id.id,
    });
    expect(await sim.waitForOutbox({ type: 'revoke', id: msg.id._serialized })).toBeDefined();
    expect(await sim.message(msg.id._serialized)).toMatchObject({ revoked: true, type: 'revoked' });
  });

  test('the contact deletes theirs for everyone: message_revoke_everyone', async () => {
    const { client, sim } = paired;
    const id = await sim.receive({ from: '15550107204@c.us', body: 'wrong chat' });
    const revoked = nextEvent<[Message]>(client, 'message_revoke_everyone', (m) => m.id._serialized === id);
    await sim.revokeIncoming(id);
    const [after] = await revoked;
    expect({ type: String(after.type), from: after.from, revokedId: (after.protocolMessageKey as { id: string }).id }).toEqual({
      type: 'revoked',
      from: '15550107204@c.us',
      revokedId: id.split('_')[2] as string,
    });
  });

  test('delete for me: message_revoke_me; delete(true) of a contact’s message also deletes for me only', async () => {
    const { client, sim } = paired;
    const mine = await client.sendMessage('15550107205@c.us', 'just for me');
    const gone = nextEvent<[Message]>(client, 'message_revoke_me', (m) => m.id._serialized === mine.id._serialized);
    await mine.delete(false);
    await gone;
    expect(await sim.message(mine.id._serialized)).toBeNull();

    const got = nextEvent<[Message]>(client, 'message', (m) => m.body === 'not yours to revoke');
    await sim.receive({ from: '15550107205@c.us', body: 'not yours to revoke' });
    const [theirs] = await got;
    const alsoGone = nextEvent<[Message]>(client, 'message_revoke_me', (m) => m.id._serialized === theirs.id._serialized);
    await theirs.delete(true); // not revocable by me: the library deletes it for me, no error
    await alsoGone;
    expect((await sim.outbox()).some((o) => o.type === 'revoke' && o.id === theirs.id._serialized)).toBe(false);
  });
});

describe('pins', () => {
  test('pin for a week, list pinned messages, unpin', async () => {
    const { client, sim } = paired;
    const chatId = '15550107206@c.us';
    const msg = await client.sendMessage(chatId, 'pin me');
    expect(await msg.pin(7 * 86400)).toBe(true);
    expect((await sim.message(msg.id._serialized))?.pinned?.expiresAt).toBeGreaterThan(Date.now() / 1000 + 6 * 86400);
    expect(await sim.waitForOutbox({ type: 'pin', pinOf: msg.id._serialized })).toMatchObject({ duration: 7 * 86400 });
    expect((await client.getPinnedMessages(chatId)).map((m) => m.id._serialized)).toEqual([msg.id._serialized]);

    expect(await msg.unpin()).toBe(true);
    expect((await sim.message(msg.id._serialized))?.pinned).toBeNull();
    expect(await client.getPinnedMessages(chatId)).toEqual([]);
  });
});

describe('polls', () => {
  test('a contact’s poll: I vote, they vote; vote_update for both; getPollVotes lists both', async () => {
    const { client, sim } = paired;
    const chatId = '15550107207@c.us';
    const got = nextEvent<[Message]>(client, 'message', (m) => m.type === 'poll_creation');
    const pollId = await sim.receive({ from: chatId, poll: { name: 'Lunch?', options: ['pizza', 'sushi', 'salad'], selectableCount: 0 } });
    const [poll] = await got;
    expect({
      name: poll.pollName,
      options: (poll.pollOptions as unknown as { name: string }[]).map((o) => o.name),
      multi: poll.allowMultipleAnswers,
    }).toEqual({
      name: 'Lunch?',
      options: ['pizza', 'sushi', 'salad'],
      multi: true,
    });

    const mine = nextEvent<[PollVote]>(client, 'vote_update', (v) => serialized(v.voter) === ME);
    await poll.vote(['sushi', 'salad']);
    expect((await mine)[0].selectedOptions.map((o) => o.name)).toEqual(['sushi', 'salad']);
    expect(await sim.waitForOutbox({ type: 'poll_vote', voteOf: pollId })).toMatchObject({ selectedOptions: ['sushi', 'salad'] });

    const theirs = nextEvent<[PollVote]>(client, 'vote_update', (v) => serialized(v.voter) === chatId);
    await sim.pollVote(pollId, { options: ['pizza'] });
    const [vote] = await theirs;
    expect({ options: vote.selectedOptions.map((o) => o.name), poll: vote.parentMessage.id._serialized }).toEqual({
      options: ['pizza'],
      poll: pollId,
    });

    const votes = await client.getPollVotes(pollId);
    expect(votes.map((v) => [v.voter, v.selectedOptions.map((o) => o.name)]).sort()).toEqual([
      [ME, ['sushi', 'salad']],
      [chatId, ['pizza']],
    ]);
    expect((await sim.pollVotes(pollId)).length).toBe(2);
  });

  test('my own poll: a group member votes, then changes the vote', async () => {
    const { client, sim } = paired;
    const group = (await client.getChatById(simGroupId(0))) as GroupChat;
    const member = group.participants.map((p) => p.id._serialized).find((p) => p !== ME)!;
    const poll = await client.sendMessage(
      simGroupId(0),
      new Poll('When?', ['mon', 'tue'], { allowMultipleAnswers: false, messageSecret: undefined }),
    );
    for (const [options, expected] of [
      [['mon'], ['mon']],
      [['tue'], ['tue']],
    ] as const) {
      const update = nextEvent<[PollVote]>(client, 'vote_update', (v) => serialized(v.voter) === member);
      await sim.pollVote(poll.id._serialized, { options: [...options], voter: member });
      expect((await update)[0].selectedOptions.map((o) => o.name)).toEqual([...expected]);
    }
    expect(await sim.pollVotes(poll.id._serialized)).toMatchObject([{ voter: member, selectedOptions: ['tue'] }]);
  });
});

describe('receipts and waiting messages', () => {
  test('group receipts: each member moves getInfo, the overall message_ack follows the slowest', async () => {
    const { client, sim } = paired;
    await sim.setAckMode('server');
    try {
      const group = (await client.getChatById(simGroupId(0))) as GroupChat;
      const members = group.participants.map((p) => p.id._serialized).filter((p) => p !== ME);
      const msg = await client.sendMessage(simGroupId(0), 'did everyone get this?');
      const [first, ...rest] = members as [string, ...string[]];
      await sim.receipt(msg.id._serialized, first, 3);
      const info = await msg.getInfo();
      expect({ read: info?.read.map((r) => serialized(r.id)), readRemaining: info?.readRemaining }).toEqual({
        read: [first],
        readRemaining: rest.length,
      });

      const delivered = nextEvent<[Message, number]>(
        client,
        'message_ack',
        (m, ack) => m.id._serialized === msg.id._serialized && ack === 2,
      );
      for (const m of rest) await sim.receipt(msg.id._serialized, m, 2);
      await delivered;
      expect((await sim.message(msg.id._serialized))?.ack).toBe(2);
    } finally {
      await sim.setAckMode('auto');
    }
  });

  test('a message waiting for decryption: message_ciphertext, then message once it decrypts', async () => {
    const { client, sim } = paired;
    const waiting = nextEvent<[Message]>(client, 'message_ciphertext');
    const id = await sim.receiveWaiting({ from: '15550107208@c.us', body: 'finally readable' });
    const [cipher] = await waiting;
    expect({ id: cipher.id._serialized, type: String(cipher.type), body: cipher.body }).toEqual({ id, type: 'ciphertext', body: '' });

    const decrypted = nextEvent<[Message]>(client, 'message', (m) => m.id._serialized === id);
    await sim.decrypt(id);
    const [msg] = await decrypted;
    expect({ type: String(msg.type), body: msg.body }).toEqual({ type: 'chat', body: 'finally readable' });
  });
});

describe('media', () => {
  test('sent: a voice note keeps its Ogg/Opus bytes (with a waveform), image, video and document too', async () => {
    const { client, sim } = paired;
    const to = '15550107209@c.us';
    const voice = await client.sendMessage(to, new MessageMedia('audio/ogg; codecs=opus', VOICE_OGG_OPUS, 'voice.ogg'), {
      sendAudioAsVoice: true,
    });
    const note = await sim.sentMedia(voice.id._serialized);
    expect({ type: note.type, mimetype: note.mimetype, hasWaveform: note.hasWaveform, size: note.size }).toEqual({
      type: 'ptt',
      mimetype: 'audio/ogg; codecs=opus',
      hasWaveform: true,
      size: 879,
    });
    expect(isOggOpus(note.data)).toBe(true);
    expect(note.data).toBe(VOICE_OGG_OPUS);

    const files = [
      [new MessageMedia('image/png', PNG_1X1, 'dot.png'), {}, 'image'],
      [new MessageMedia('video/mp4', btoa('not really mp4'), 'clip.mp4'), {}, 'video'],
      [new MessageMedia('application/pdf', btoa('%PDF-1.4 sim'), 'report.pdf'), { sendMediaAsDocument: true }, 'document'],
    ] as const;
    for (const [file, options, type] of files) {
      const sent = await client.sendMessage(to, file, options);
      expect(await sim.sentMedia(sent.id._serialized)).toMatchObject({
        type,
        mimetype: file.mimetype,
        filename: file.filename,
        data: file.data,
      });
    }
  });

  test('received: a voice note, a video and a document download with their mimetype and filename', async () => {
    const { client, sim } = paired;
    const from = '15550107210@c.us';
    const files = [
      { media: { mimetype: 'audio/ogg; codecs=opus', data: VOICE_OGG_OPUS }, ptt: true, type: 'ptt' },
      { media: { mimetype: 'video/mp4', data: btoa('mp4 bytes'), filename: 'clip.mp4' }, type: 'video' },
      { media: { mimetype: 'application/pdf', data: btoa('%PDF-1.4'), filename: 'invoice.pdf' }, type: 'document' },
    ];
    for (const { type, ...spec } of files) {
      const got = nextEvent<[Message]>(client, 'message', (m) => m.from === from && m.type === type);
      await sim.receive({ from, ...spec });
      const [msg] = await got;
      const media = await msg.downloadMedia();
      expect({ mimetype: media.mimetype, filename: media.filename ?? undefined, data: media.data }).toEqual({
        mimetype: spec.media.mimetype,
        filename: spec.media.filename,
        data: spec.media.data,
      });
    }
  });
});
