/**
 * Media conversion with Debian's ffmpeg over the real stack: convert/voice decodes as Opus in Ogg
 * and convert/video as H.264 in MP4 (checked with ffprobe); `convert: true` on sendVoice and
 * sendVideo sends the converted file, as the simulator's page received it.
 */
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from 'bun:test';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VideoFile, VoiceFile } from '../../src/modules/media/model';
import { VideoStatus, VoiceStatus } from '../../src/modules/status/model';
import { isOggOpus } from '../sim/fixtures';
import { simContactId } from '../sim/index';
import { call } from '../support/messaging';
import { inSession } from '../support/parity';
import type { RunningService } from '../support/service';
import { E2eWorld, http } from '../support/world';

setDefaultTimeout(120_000);
let world: E2eWorld;
let svc: RunningService;
const dir = mkdtempSync(join(tmpdir(), 'wabun-convert-test-'));

/** A file made by ffmpeg here from one of its generated sources. */
function make(name: string, args: string[]): Buffer {
  const path = join(dir, name);
  const r = Bun.spawnSync(['ffmpeg', '-hide_banner', '-loglevel', 'error', '-y', ...args, path]);
  if (r.exitCode !== 0) throw new Error(`ffmpeg could not make ${name}: ${r.stderr.toString()}`);
  return readFileSync(path);
}

/** ffprobe's view of a file: its format and the codec of each stream. */
function probe(bytes: Uint8Array, name: string): { format: string; codecs: string[] } {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  const r = Bun.spawnSync(['ffprobe', '-v', 'error', '-show_entries', 'format=format_name:stream=codec_name', '-of', 'json', path]);
  const j = JSON.parse(r.stdout.toString()) as { format: { format_name: string }; streams: { codec_name: string }[] };
  return { format: j.format.format_name, codecs: j.streams.map((s) => s.codec_name) };
}

let wav: Buffer;
let avi: Buffer;

beforeAll(async () => {
  wav = make('tone.wav', ['-f', 'lavfi', '-i', 'sine=frequency=440:duration=0.5', '-ac', '2', '-ar', '44100']);
  avi = make('clip.avi', ['-f', 'lavfi', '-i', 'testsrc=size=35x21:duration=0.5:rate=10', '-c:v', 'mpeg4']);
  world = new E2eWorld();
  svc = await world.start();
}, 60_000);
afterAll(async () => {
  await world.dispose();
  rmSync(dir, { recursive: true, force: true });
});

describe('convert', () => {
  test('voice: a WAV becomes Opus in Ogg (bytes, or base64 JSON); video: an AVI becomes H.264 in MP4', () =>
    inSession(world, svc, 'mc', async () => {
      const S = 'mc';
      const voice = await http(svc, 'POST', `/api/${S}/media/convert/voice`, { data: wav.toString('base64') });
      expect(voice.status).toBe(201);
      expect(voice.headers.get('content-type')).toBe('audio/ogg; codecs=opus');
      const ogg = new Uint8Array(await voice.arrayBuffer());
      expect(probe(ogg, 'voice.ogg')).toEqual({ format: 'ogg', codecs: ['opus'] });

      const json = await call(
        svc,
        'POST',
        `/api/${S}/media/convert/voice`,
        { data: wav.toString('base64') },
        { accept: 'application/json' },
      );
      expect(json.status).toBe(201);
      expect(json.json.mimetype).toBe('audio/ogg; codecs=opus');
      expect(isOggOpus(json.json.data)).toBe(true);

      const video = await http(svc, 'POST', `/api/${S}/media/convert/video`, { data: avi.toString('base64') });
      expect(video.status).toBe(201);
      expect(video.headers.get('content-type')).toBe('video/mp4');
      const mp4 = probe(new Uint8Array(await video.arrayBuffer()), 'video.mp4');
      expect(mp4.format).toContain('mp4');
      expect(mp4.codecs).toEqual(['h264']);

      const neither = await call(svc, 'POST', `/api/${S}/media/convert/voice`, {});
      expect(neither.status).toBe(422);
      const garbage = await call(svc, 'POST', `/api/${S}/media/convert/video`, {
        data: Buffer.from('not a video at all').toString('base64'),
      });
      expect(garbage.status).toBe(422);
      expect(garbage.json.message).toContain('ffmpeg could not convert the video');
    }));

  test('convert: true on sendVoice and sendVideo sends what ffmpeg made', () =>
    inSession(world, svc, 'mc-send', async (sim) => {
      const S = 'mc-send';
      const chat = simContactId(0);
      const voice = await call(svc, 'POST', '/api/sendVoice', {
        session: S,
        chatId: chat,
        file: { mimetype: 'audio/wav', filename: 'tone.wav', data: wav.toString('base64') },
        convert: true,
      });
      expect(voice.status).toBe(201);
      const note = await sim.sentMedia(voice.json.id._serialized);
      expect({ type: note.type, mimetype: note.mimetype }).toEqual({ type: 'ptt', mimetype: 'audio/ogg; codecs=opus' });
      expect(probe(Buffer.from(note.data, 'base64'), 'sent.ogg')).toEqual({ format: 'ogg', codecs: ['opus'] });

      const video = await call(svc, 'POST', '/api/sendVideo', {
        session: S,
        chatId: chat,
        file: { mimetype: 'video/x-msvideo', filename: 'clip.avi', data: avi.toString('base64') },
        caption: 'converted',
        convert: true,
      });
      expect(video.status).toBe(201);
      const clip = await sim.sentMedia(video.json.id._serialized);
      expect({ type: clip.type, mimetype: clip.mimetype, filename: clip.filename }).toEqual({
        type: 'video',
        mimetype: 'video/mp4',
        filename: 'clip.mp4',
      });
      expect(probe(Buffer.from(clip.data, 'base64'), 'sent.mp4').codecs).toEqual(['h264']);
    }));

  test("the docs page's examples convert, and post as voice (converted) and video statuses", () =>
    inSession(world, svc, 'mc-examples', async (sim) => {
      const S = 'mc-examples';
      const example = (schema: { examples?: unknown[] }) => schema.examples![0] as Record<string, unknown>;
      expect((await call(svc, 'POST', `/api/${S}/media/convert/voice`, example(VoiceFile))).status).toBe(201);
      expect((await call(svc, 'POST', `/api/${S}/media/convert/video`, example(VideoFile))).status).toBe(201);
      const voice = await call(svc, 'POST', `/api/${S}/status/voice`, example(VoiceStatus));
      expect(voice.status).toBe(201);
      const note = await sim.sentMedia(voice.json.id._serialized);
      expect({ type: note.type, mimetype: note.mimetype, opus: isOggOpus(note.data) }).toEqual({
        type: 'ptt',
        mimetype: 'audio/ogg; codecs=opus',
        opus: true,
      });
      const video = await call(svc, 'POST', `/api/${S}/status/video`, example(VideoStatus));
      expect(video.status).toBe(201);
      expect((await sim.statusPosts()).find((p) => p.id === video.json.id._serialized)).toMatchObject({
        type: 'video',
        caption: 'Just watch',
      });
    }));

  test('bad input 400, unknown session 404, stopped session 422', async () => {
    expect((await call(svc, 'POST', '/api/sessions', { name: 'mc-stopped', start: false })).status).toBe(201);
    try {
      const bad = await call(svc, 'POST', '/api/mc-stopped/media/convert/voice', { data: 5 });
      expect(bad.status).toBe(400);
      expect(JSON.stringify(bad.json)).toContain('data');
      for (const kind of ['voice', 'video']) {
        expect((await call(svc, 'POST', `/api/mc-stopped/media/convert/${kind}`, { data: wav.toString('base64') })).status).toBe(422);
        expect((await call(svc, 'POST', `/api/no-such/media/convert/${kind}`, { data: wav.toString('base64') })).status).toBe(404);
      }
    } finally {
      await call(svc, 'DELETE', '/api/sessions/mc-stopped');
    }
  });
});
