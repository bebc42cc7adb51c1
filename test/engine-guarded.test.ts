/**
 * `guarded`: how a failure inside WhatsApp Web or the library becomes the 502 the client sees —
 * naming the call the service made (not a helper it went through) and the reason in one line.
 * The same path runs over real Chromium in test/e2e/edge.e2e.test.ts.
 */
import { describe, expect, test } from 'bun:test';
import { guarded, reasonOf } from '../src/engine/webjs/client';
import { type HttpError, NotFoundError, UpstreamError } from '../src/errors';

class Calls {
  sent: string[] = [];
  async sendText(text: string) {
    return await this.send(text);
  }
  async send(text: string) {
    if (text === 'fail')
      throw Object.assign(new Error('the page refused this send\nProxy.addAndSendMsgToChat (https://web.whatsapp.com/:981:31)'), {
        name: 'SendMsgError',
      });
    if (text === 'missing') throw new NotFoundError('Message not found');
    if (text === 'string') throw 'a bare string';
    this.sent.push(text);
    return { id: text };
  }
}

/** The error `run` rejects with. */
async function rejection(run: Promise<unknown>): Promise<unknown> {
  try {
    await run;
  } catch (e) {
    return e;
  }
  throw new Error('expected a rejection');
}

describe('guarded', () => {
  test('the error names the call made, even when it failed in a helper the call went through', async () => {
    const calls = guarded('messages', new Calls());
    const e = await rejection(calls.sendText('fail'));
    expect(e).toBeInstanceOf(UpstreamError);
    expect((e as HttpError).status).toBe(502);
    expect((e as HttpError).message).toBe('WhatsApp Web call messages.sendText failed: the page refused this send');
    expect((e as HttpError).details).toEqual({ call: 'messages.sendText' });
    expect(((await rejection(calls.send('fail'))) as HttpError).details).toEqual({ call: 'messages.send' });
  });

  test('our own errors pass as they are; a thrown non-Error is still a 502 with its text', async () => {
    const calls = guarded('messages', new Calls());
    const missing = await rejection(calls.sendText('missing'));
    expect(missing).toBeInstanceOf(NotFoundError);
    expect(((await rejection(calls.sendText('string'))) as HttpError).message).toBe(
      'WhatsApp Web call messages.sendText failed: a bare string',
    );
  });

  test('results come through, and the methods run on the object itself', async () => {
    const target = new Calls();
    const calls = guarded('messages', target);
    expect(await calls.sendText('hi')).toEqual({ id: 'hi' });
    expect(target.sent).toEqual(['hi']);
  });
});

describe('reasonOf', () => {
  test('the first line of the message; the name when the message is empty', () => {
    expect(reasonOf(new Error('SendMsgError: refused\nProxy.addAndSendMsgToChat (https://web.whatsapp.com/:981:31)'))).toBe(
      'SendMsgError: refused',
    );
    expect(reasonOf(new TypeError(''))).toBe('TypeError');
    expect(reasonOf(42)).toBe('42');
  });
});
