/**
 * The pure parts of the chat contract: chat ids as WAHA clients write them, the history query's
 * defaults and filter names, and the overview's picture cache (a manual clock, no browser). The
 * routes themselves run end to end in test/e2e/chats-contract.e2e.test.ts.
 */
import { describe, expect, test } from 'bun:test';
import { PictureCache } from '../src/engine/webjs/pictures';
import { historyQuery } from '../src/modules/chats/service';
import { isChatIdInput, normalizeChatId } from '../src/modules/messages/chat-id';

describe('chat ids', () => {
  test('a phone number as people write it is <digits>@c.us; suffixed ids stay as they are', () => {
    const cases: [string, string][] = [
      ['14155550123', '14155550123@c.us'],
      ['+14155550123', '14155550123@c.us'],
      ['+1 415 555 0123', '14155550123@c.us'],
      ['+1 (415) 555-0123', '14155550123@c.us'],
      ['1.415.555.0123', '14155550123@c.us'],
      [' 14155550123 ', '14155550123@c.us'],
      ['14155550123@c.us', '14155550123@c.us'],
      ['120363000000000000@g.us', '120363000000000000@g.us'],
      ['80001415555012@lid', '80001415555012@lid'],
      ['120363880000000000@newsletter', '120363880000000000@newsletter'],
      ['status@broadcast', 'status@broadcast'],
    ];
    for (const [input, id] of cases) {
      expect(isChatIdInput(input), input).toBe(true);
      expect(normalizeChatId(input)).toBe(id);
    }
  });

  test('anything else is refused: too few or too many digits, letters, other servers', () => {
    for (const input of [
      '',
      'abc',
      '1234',
      '+1 555',
      '1'.repeat(21),
      '14155550123@s.whatsapp.net',
      '12@c.us',
      'x@g.us',
      '14155550123@',
      '415-555-abcd',
      '++14155550123',
    ])
      expect(isChatIdInput(input), input).toBe(false);
  });
});

describe('history query', () => {
  test("WAHA's defaults: newest first, merged, no filter", () => {
    expect(historyQuery({ limit: 10, downloadMedia: true })).toEqual({
      limit: 10,
      offset: 0,
      downloadMedia: true,
      sortOrder: 'desc',
      merge: true,
      filter: {},
    });
  });

  test('the filter names, and filter.ack as the number WhatsApp keeps', () => {
    const q = historyQuery({
      limit: 5,
      offset: 10,
      downloadMedia: false,
      sortOrder: 'asc',
      merge: false,
      'filter.timestamp.gte': 100,
      'filter.timestamp.lte': 200,
      'filter.fromMe': false,
      'filter.ack': 'ERROR',
    });
    expect(q).toEqual({
      limit: 5,
      offset: 10,
      downloadMedia: false,
      sortOrder: 'asc',
      merge: false,
      filter: { timestampGte: 100, timestampLte: 200, fromMe: false, ack: -1 },
    });
    expect(historyQuery({ limit: 1, downloadMedia: false, 'filter.ack': 'PLAYED' }).filter).toEqual({ ack: 4 });
  });
});

describe('picture cache', () => {
  const clock = { t: 0, now: () => clock.t };
  const cache = (max = 1000) => {
    const asked: string[][] = [];
    const pictures = new PictureCache(
      async (ids) => {
        asked.push(ids);
        return ids.map((id) => (id.startsWith('none') ? null : `https://pps.example/${id}.jpg`));
      },
      clock,
      1000,
      max,
    );
    return { pictures, asked };
  };

  test('asks once for all the missing ids of a page, then answers from memory until the TTL', async () => {
    clock.t = 0;
    const { pictures, asked } = cache();
    expect(await pictures.get(['a', 'none', 'a'])).toEqual(['https://pps.example/a.jpg', null, 'https://pps.example/a.jpg']);
    expect(await pictures.get(['none', 'b', 'a'])).toEqual([null, 'https://pps.example/b.jpg', 'https://pps.example/a.jpg']);
    expect(asked).toEqual([['a', 'none'], ['b']]);
    clock.t = 999;
    await pictures.get(['a']);
    expect(asked).toHaveLength(2);
    clock.t = 1000;
    await pictures.get(['a', 'b']);
    expect(asked.at(-1)).toEqual(['a', 'b']);
  });

  test('keeps at most `max` entries, dropping the oldest', async () => {
    clock.t = 0;
    const { pictures, asked } = cache(2);
    await pictures.get(['a', 'b']);
    await pictures.get(['c']);
    await pictures.get(['b', 'c']);
    expect(asked).toEqual([['a', 'b'], ['c']]);
    await pictures.get(['a']);
    expect(asked.at(-1)).toEqual(['a']);
  });
});
