/**
 * Status updates and calls through the real whatsapp-web.js Client: posting text, image, voice
 * and video statuses, revoking one, contacts' statuses coming in; incoming calls and rejecting them.
 */
import { describe, expect, setDefaultTimeout, test } from 'bun:test';
import { type Call, type Message, MessageMedia } from 'whatsapp-web.js';
import { isOggOpus, PNG_1X1, VOICE_OGG_OPUS } from './fixtures';
import { nextEvent } from './harness';
import { DEFAULT_ME, simContactId } from './index';
import { pairedSession } from './paired';

// Each file launches Chromium; bunfig's [test] timeout did not reach these files (5 s default seen).
setDefaultTimeout(60_000);
const ME = `${DEFAULT_ME.number}@c.us`;
const STATUS = 'status@broadcast';
const paired = pairedSession();

describe('my status', () => {
  test('text: posted with its colour and font; the Message the library returns is not the posted one', async () => {
    const { client, sim } = paired;
    const returned = await client.sendMessage(STATUS, 'Good morning', { extra: { backgroundColor: '#ff0000', fontStyle: 2 } });
    const posts = await sim.statusPosts();
    const post = posts.find((p) => p.body === 'Good morning')!;
    expect(post).toMatchObject({ chatId: STATUS, type: 'chat', backgroundColor: 0xffff0000, font: 2 });
    expect(returned.id._serialized).not.toBe(post.id); // WhatsApp Web built the posted message itself

    const mine = (await client.getBroadcasts()).find((b) => (b.id as unknown as { _serialized: string })._serialized === ME);
    expect(mine?.msgs.map((m) => m.id._serialized)).toContain(post.id);

    await client.revokeStatusMessage(returned.id._serialized); // unknown to the page: nothing happens
    expect((await sim.statusPosts()).find((p) => p.id === post.id)?.revoked).toBeUndefined();
    await client.revokeStatusMessage(post.id);
    expect((await sim.statusPosts()).find((p) => p.id === post.id)?.revoked).toBe(true);
    expect(await sim.waitForOutbox({ type: 'revoke', id: post.id })).toMatchObject({ chatId: STATUS });
  });

  test('image, voice and video: posted as the message the library built, with their bytes', async () => {
    const { client, sim } = paired;
    const sends = [
      [new MessageMedia('image/png', PNG_1X1, 'dot.png'), { caption: 'a dot' }, 'image'],
      [new MessageMedia('audio/ogg; codecs=opus', VOICE_OGG_OPUS, 'voice.ogg'), { sendAudioAsVoice: true }, 'ptt'],
      [new MessageMedia('video/mp4', btoa('mp4 bytes'), 'clip.mp4'), { caption: 'a clip' }, 'video'],
    ] as const;
    for (const [file, options, type] of sends) {
      const sent = await client.sendMessage(STATUS, file, options);
      const post = (await sim.statusPosts()).find((p) => p.id === sent.id._serialized);
      expect(post).toMatchObject({ chatId: STATUS, type });
      expect(post?.caption).toBe('caption' in options ? options.caption : undefined);
      const media = await sim.sentMedia(sent.id._serialized);
      expect({ mimetype: media.mimetype, data: media.data }).toEqual({ mimetype: file.mimetype, data: file.data });
      if (type === 'ptt') expect(isOggOpus(media.data) && media.hasWaveform).toBe(true);
    }
  });
});

describe('contacts’ statuses', () => {
  test('a text and an image status come in as messages from status@broadcast', async () => {
    const { client, sim } = paired;
    const from = simContactId(0);
    const text = nextEvent<[Message]>(client, 'message', (m) => m.from === STATUS && !m.hasMedia);
    await sim.receiveStatus({ from, body: 'at the beach' });
    const [msg] = await text;
    expect({ author: msg.author, body: msg.body, isStatus: msg.isStatus }).toEqual({ author: from, body: 'at the beach', isStatus: true });

    const image = nextEvent<[Message]>(client, 'message', (m) => m.from === STATUS && m.hasMedia);
    await sim.receiveStatus({ from, media: { mimetype: 'image/png', data: PNG_1X1 }, caption: 'view' });
    const [withImage] = await image;
    expect({ body: withImage.body, data: (await withImage.downloadMedia()).data }).toEqual({ body: 'view', data: PNG_1X1 });
  });
});

describe('calls', () => {
  test('an incoming video call, rejected by the library', async () => {
    const { client, sim } = paired;
    const from = simContactId(1);
    const ringing = nextEvent<[Call]>(client, 'call');
    const id = await sim.incomingCall({ from, isVideo: true });
    const [call] = await ringing;
    expect({ id: call.id, from: call.from, isVideo: call.isVideo, isGroup: call.isGroup, fromMe: call.fromMe }).toEqual({
      id,
      from,
      isVideo: true,
      isGroup: false,
      fromMe: false,
    });
    expect(call.timestamp).toBeUndefined(); // the library passes no offer time on
    expect((await sim.calls()).find((c) => c.id === id)?.state).toBe('ringing');

    await call.reject();
    expect((await sim.calls()).find((c) => c.id === id)).toMatchObject({ state: 'rejected', from });
    expect((await sim.actions()).find((a) => a.kind === 'call-reject' && a.callId === id)).toMatchObject({ chatId: from });
  });

  test('a group voice call lists its participants', async () => {
    const { client, sim } = paired;
    const ringing = nextEvent<[Call]>(client, 'call');
    const participants = [simContactId(2), simContactId(3)];
    await sim.incomingCall({ from: simContactId(2), isGroup: true, participants });
    const [call] = await ringing;
    expect({ isGroup: call.isGroup, isVideo: call.isVideo, participants: call.participants }).toEqual({
      isGroup: true,
      isVideo: false,
      participants,
    });
  });
});
