/**
 * Without ffmpeg on the machine: the conversions answer 503 naming the package, and the routes
 * that do not convert are not affected. The session lookup is a stand-in here (no browser is
 * needed to reach the check); test/e2e/media-convert.e2e.test.ts converts for real.
 */
import { describe, expect, test } from 'bun:test';
import type { WhatsAppClient } from '../src/engine/types';
import { MediaConverter } from '../src/modules/media/convert';
import { MessagingService } from '../src/modules/messages/service';
import type { SessionManager } from '../src/modules/sessions/service';
import { buildTestApp } from './support/app';

const noFfmpeg = () => new MediaConverter({ maxBytes: 1024 * 1024, timeoutMs: 1000, find: () => null });
const sent: string[] = [];
// Only what these routes reach before (or instead of) converting.
const client = {
  messages: {
    sendMedia: async (_chat: string, m: { mimetype: string }) => {
      sent.push(m.mimetype);
      return { id: 'x' };
    },
  },
} as unknown as WhatsAppClient;
const sessions = { client: () => client } as unknown as SessionManager;

function app() {
  const converter = noFfmpeg();
  return buildTestApp({
    key: null,
    deps: { sessions, converter, messaging: new MessagingService(sessions, { maxBytes: 1024 * 1024, timeoutMs: 1000 }, converter) },
  });
}

const post = (a: ReturnType<typeof app>, path: string, body: unknown) =>
  a.fetch(
    new Request(`http://localhost${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  );

describe('without ffmpeg', () => {
  test.each(['voice', 'video'])('convert/%s answers 503 naming the package', async (kind) => {
    const res = await post(app(), `/api/default/media/convert/${kind}`, { data: 'AAAA' });
    expect(res.status).toBe(503);
    const body = await res.json();
    expect(body).toMatchObject({ statusCode: 503, error: 'Service Unavailable', details: { package: 'ffmpeg' } });
    expect(body.message).toContain('apt-get install -y ffmpeg');
  });

  test('convert: true on sendVoice is a 503 and sends nothing; without it the voice note goes out as given', async () => {
    const a = app();
    const file = { mimetype: 'audio/ogg; codecs=opus', data: 'T2dnUw==' };
    const refused = await post(a, '/api/sendVoice', { session: 'default', chatId: '15550100001@c.us', file, convert: true });
    expect(refused.status).toBe(503);
    expect(sent).toEqual([]);
    const plain = await post(a, '/api/sendVoice', { session: 'default', chatId: '15550100001@c.us', file });
    expect(plain.status).toBe(201);
    expect(sent).toEqual(['audio/ogg; codecs=opus']);
  });

  test('ffmpeg is looked up once', () => {
    let lookups = 0;
    const c = new MediaConverter({
      maxBytes: 1,
      timeoutMs: 1,
      find: () => {
        lookups++;
        return null;
      },
    });
    expect(() => c.ffmpeg()).toThrow('apt-get install -y ffmpeg');
    expect(() => c.ffmpeg()).toThrow();
    expect(lookups).toBe(1);
  });
});
