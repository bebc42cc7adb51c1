/**
 * The Engine calls that need only WhatsApp Web's page or a ready client: page tools
 * (screenshot, DevTools, evaluate) and the messaging calls, handed to WebjsActions.
 *
 * Every call into puppeteer awaits in a block body: Bun drops the caller's frame of a call in
 * tail position, and puppeteer's `evaluate` reads that frame (platform.md, "Bun quirks").
 */
import type { Page } from 'puppeteer-core';
import type { Engine } from './types';
import type { WebjsActions } from './webjs-messages';

type Calls = Omit<Engine, 'session' | 'start' | 'stop' | 'logout' | 'requestPairingCode' | 'me' | 'browserPid' | 'on'>;

export abstract class WebjsCalls implements Calls {
  /** The page, or an error saying the session has none yet. */
  protected abstract page(): Page;
  /** The ready client's calls, or an error saying the session is not WORKING. */
  protected abstract ready(): WebjsActions;

  async screenshot(): Promise<Uint8Array> {
    const shot = await this.page().screenshot({ type: 'png' });
    return shot;
  }

  /** One DevTools command through a short-lived session on the page. */
  async cdp(method: string, params: Record<string, unknown> = {}): Promise<unknown> {
    const session = await this.page().createCDPSession();
    try {
      const result: unknown = await session.send(method as 'Runtime.evaluate', params as never);
      return result;
    } finally {
      await session.detach().catch(() => {});
    }
  }

  /** Runs `(${fn})()` in the page and returns its (awaited) result. */
  async evaluate<T>(fn: string): Promise<T> {
    const result: unknown = await this.page().evaluate(`(${fn})()`);
    return result as T;
  }

  sendText: Engine['sendText'] = async (...a) => {
    const r = await this.ready().sendText(...a);
    return r;
  };
  sendMedia: Engine['sendMedia'] = async (...a) => {
    const r = await this.ready().sendMedia(...a);
    return r;
  };
  sendLocation: Engine['sendLocation'] = async (...a) => {
    const r = await this.ready().sendLocation(...a);
    return r;
  };
  sendContactVcard: Engine['sendContactVcard'] = async (...a) => {
    const r = await this.ready().sendContactVcard(...a);
    return r;
  };
  sendPoll: Engine['sendPoll'] = async (...a) => {
    const r = await this.ready().sendPoll(...a);
    return r;
  };
  forwardMessage: Engine['forwardMessage'] = async (...a) => {
    const r = await this.ready().forwardMessage(...a);
    return r;
  };
  sendSeen: Engine['sendSeen'] = async (...a) => {
    await this.ready().sendSeen(...a);
  };
  setTyping: Engine['setTyping'] = async (...a) => {
    await this.ready().setTyping(...a);
  };
  react: Engine['react'] = async (...a) => {
    await this.ready().react(...a);
  };
  star: Engine['star'] = async (...a) => {
    await this.ready().star(...a);
  };
  getChats: Engine['getChats'] = async (...a) => {
    const r = await this.ready().getChats(...a);
    return r;
  };
  getMessages: Engine['getMessages'] = async (...a) => {
    const r = await this.ready().getMessages(...a);
    return r;
  };
  recentIncoming: Engine['recentIncoming'] = async (...a) => {
    const r = await this.ready().recentIncoming(...a);
    return r;
  };
  getContacts: Engine['getContacts'] = async () => {
    const r = await this.ready().getContacts();
    return r;
  };
  getContact: Engine['getContact'] = async (...a) => {
    const r = await this.ready().getContact(...a);
    return r;
  };
  checkNumber: Engine['checkNumber'] = async (...a) => {
    const r = await this.ready().checkNumber(...a);
    return r;
  };
  profilePictureUrl: Engine['profilePictureUrl'] = async (...a) => {
    const r = await this.ready().profilePictureUrl(...a);
    return r;
  };
  getGroups: Engine['getGroups'] = async () => {
    const r = await this.ready().getGroups();
    return r;
  };
  createGroup: Engine['createGroup'] = async (...a) => {
    const r = await this.ready().createGroup(...a);
    return r;
  };
  getGroup: Engine['getGroup'] = async (...a) => {
    const r = await this.ready().getGroup(...a);
    return r;
  };
  updateParticipants: Engine['updateParticipants'] = async (...a) => {
    const r = await this.ready().updateParticipants(...a);
    return r;
  };
}
