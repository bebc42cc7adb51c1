import { afterEach, describe, expect, test } from 'bun:test';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock } from '../src/clock';
import { ignoredChats } from '../src/engine/webjs/mapping';
import { silentLogger } from '../src/log';
import { MediaStore } from '../src/modules/media/service';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function store(lifetimeSec: number, now = () => Date.now()) {
  const dir = mkdtempSync(join(tmpdir(), 'wabun-media-'));
  dirs.push(dir);
  return {
    dir,
    media: new MediaStore({
      dir,
      baseUrl: () => 'https://api.example.invalid/',
      lifetimeSec,
      log: silentLogger,
      clock: { ...systemClock, now },
    }),
  };
}

describe('MediaStore', () => {
  test('saves under <dir>/<session>/ and links to /api/files on the base URL', async () => {
    const { dir, media } = store(60);
    const saved = await media.save('s1', {
      messageId: 'false_1555@c.us_ABC',
      mimetype: 'image/jpeg',
      filename: null,
      data: Buffer.from('jpg').toString('base64'),
    });
    expect(saved).toEqual({
      url: 'https://api.example.invalid/api/files/s1/false_1555%40c.us_ABC.jpg',
      mimetype: 'image/jpeg',
      filename: null,
    });
    expect(await media.find('s1', 'false_1555@c.us_ABC.jpg')).toBe(join(dir, 's1', 'false_1555@c.us_ABC.jpg'));
    expect(await Bun.file(join(dir, 's1', 'false_1555@c.us_ABC.jpg')).text()).toBe('jpg');
  });

  test('never serves a name it would not write', async () => {
    const { media } = store(60);
    expect(await media.find('s1', '../x')).toBeNull();
    expect(await media.find('..', 'x.jpg')).toBeNull();
    expect(await media.find('s1', 'missing.jpg')).toBeNull();
  });

  test('a symlink planted in the media folder is not followed out of it (nor is a folder served)', async () => {
    const { dir, media } = store(60);
    await media.save('s1', { messageId: 'real', mimetype: 'text/plain', data: 'eA==' });
    symlinkSync('/etc/passwd', join(dir, 's1', 'passwd.txt'));
    symlinkSync(join(dir, 's1', 'real.txt'), join(dir, 's1', 'inside.txt'));
    mkdirSync(join(dir, 's1', 'folder.txt'));
    expect(await media.find('s1', 'passwd.txt')).toBeNull();
    expect(await media.find('s1', 'inside.txt')).toBeNull();
    expect(await media.find('s1', 'folder.txt')).toBeNull();
    expect(await media.find('s1', 'real.txt')).toBe(join(dir, 's1', 'real.txt'));
  });

  test('the sweep removes files older than the lifetime and keeps newer ones; 0 keeps all', async () => {
    let now = Date.now();
    const { dir, media } = store(10, () => now);
    await media.save('s', { messageId: 'old', mimetype: 'text/plain', data: 'eA==' });
    await media.save('s', { messageId: 'new', mimetype: 'text/plain', data: 'eA==' });
    const past = new Date(now - 11_000);
    utimesSync(join(dir, 's', 'old.txt'), past, past);
    expect(await media.sweep()).toBe(1);
    expect(await media.find('s', 'old.txt')).toBeNull();
    expect(await media.find('s', 'new.txt')).not.toBeNull();
    now += 60_000;
    expect(await store(0).media.sweep()).toBe(0);
  });
});

describe('config.ignore', () => {
  test('tells status, broadcast, channel and group chats apart', () => {
    const all = ignoredChats({ status: true, groups: true, channels: true, broadcast: true });
    for (const id of ['status@broadcast', '123@broadcast', '123@newsletter', '120363000000000000@g.us']) expect(all(id)).toBe(true);
    expect(all('14155550123@c.us')).toBe(false);
    const groups = ignoredChats({ groups: true });
    expect([groups('1@g.us'), groups('status@broadcast'), groups('1@newsletter')]).toEqual([true, false, false]);
    expect(ignoredChats(null)('1@g.us')).toBe(false);
  });
});
