/**
 * Groups over a ready whatsapp-web.js client. What 1.34.7 answers when WhatsApp refuses (see
 * test/sim/README.md, "Groups, labels and channels"): `false` from the info and settings setters,
 * `undefined` from getInviteCode, a message string from addParticipants, a rejection from the rest.
 */
import type { GroupChat } from 'whatsapp-web.js';
import { NotFoundError, UnprocessableError, UpstreamError } from '../../errors';
import type { GroupCalls, GroupMember, GroupSetting, MediaInput, Plain } from '../types';
import { findChat, type WebjsContext } from './context';
import { groupMembers, toPlain, widString } from './mapping';

/** An invite code WhatsApp does not know (or that was revoked): the page's job rejects with this in it. */
const UNKNOWN_INVITE = /not found|not-found|404|gone|revoked/i;

export class WebjsGroups implements GroupCalls {
  constructor(private readonly ctx: WebjsContext) {}

  async list(): Promise<Plain[]> {
    return (await this.ctx.client.getChats()).filter((c) => c.isGroup).map((c) => groupJson(c as GroupChat));
  }

  async create(name: string, participants: string[]): Promise<Plain> {
    const r = await this.ctx.client.createGroup(name, participants);
    if (typeof r === 'string') throw new UpstreamError(`WhatsApp did not create the group: ${r}`);
    return { ...toPlain(r), id: widString(r.gid) };
  }

  async get(groupId: string): Promise<Plain | null> {
    const chat = await findChat(this.ctx, groupId).catch(() => null);
    return chat?.isGroup ? groupJson(chat as GroupChat) : null;
  }

  async participants(groupId: string): Promise<Plain[]> {
    return toPlain({ p: (await groupOf(this.ctx, groupId)).participants ?? [] }).p as Plain[];
  }

  async members(groupId: string): Promise<GroupMember[]> {
    return groupMembers((await groupOf(this.ctx, groupId)).participants ?? []);
  }

  async updateParticipants(groupId: string, action: 'add' | 'remove' | 'promote' | 'demote', participants: string[]): Promise<Plain> {
    const g = await groupOf(this.ctx, groupId);
    const result =
      action === 'add'
        ? await g.addParticipants(participants)
        : action === 'remove'
          ? await g.removeParticipants(participants)
          : action === 'promote'
            ? await g.promoteParticipants(participants)
            : await g.demoteParticipants(participants);
    // addParticipants checks the rights itself and resolves with why it did nothing.
    if (typeof result === 'string') throw new UnprocessableError(`WhatsApp did not add the participants: ${result}`);
    return toPlain(result);
  }

  async inviteInfo(code: string): Promise<Plain> {
    return toPlain(await known(code, () => this.ctx.client.getInviteInfo(code)));
  }

  async join(code: string): Promise<string> {
    return await known(code, () => this.ctx.client.acceptInvite(code));
  }

  async leave(groupId: string): Promise<void> {
    await (await groupOf(this.ctx, groupId)).leave();
  }

  async inviteCode(groupId: string): Promise<string> {
    const code = await (await groupOf(this.ctx, groupId)).getInviteCode();
    if (!code) throw notAdmin(groupId, 'read the invite code');
    return code;
  }

  async revokeInvite(groupId: string): Promise<string> {
    // Typed void; 1.34.7 returns the new code from WhatsApp's answer.
    const code = (await (await groupOf(this.ctx, groupId)).revokeInvite()) as unknown;
    return typeof code === 'string' && code ? code : await this.inviteCode(groupId);
  }

  async setSubject(groupId: string, subject: string): Promise<boolean> {
    return Boolean(await (await groupOf(this.ctx, groupId)).setSubject(subject));
  }

  async setDescription(groupId: string, description: string): Promise<boolean> {
    return Boolean(await (await groupOf(this.ctx, groupId)).setDescription(description));
  }

  async adminsOnly(groupId: string, setting: GroupSetting): Promise<boolean> {
    const meta = ((await groupOf(this.ctx, groupId)) as unknown as { groupMetadata?: { restrict?: boolean; announce?: boolean } })
      .groupMetadata;
    return Boolean(setting === 'info' ? meta?.restrict : meta?.announce);
  }

  async setAdminsOnly(groupId: string, setting: GroupSetting, adminsOnly: boolean): Promise<boolean> {
    const g = await groupOf(this.ctx, groupId);
    return Boolean(setting === 'info' ? await g.setInfoAdminsOnly(adminsOnly) : await g.setMessagesAdminsOnly(adminsOnly));
  }

  async pictureUrl(groupId: string): Promise<string | null> {
    await groupOf(this.ctx, groupId);
    return (await this.ctx.client.getProfilePicUrl(groupId)) ?? null;
  }

  async setPicture(groupId: string, picture: MediaInput): Promise<boolean> {
    const media = new this.ctx.lib.MessageMedia(picture.mimetype, picture.data, picture.filename ?? null);
    return Boolean(await (await groupOf(this.ctx, groupId)).setPicture(media));
  }

  async deletePicture(groupId: string): Promise<boolean> {
    // undefined (not false) when not allowed: the library returns before asking WhatsApp.
    return Boolean(await (await groupOf(this.ctx, groupId)).deletePicture());
  }

  async delete(groupId: string): Promise<boolean> {
    return Boolean(await (await groupOf(this.ctx, groupId)).delete());
  }
}

// Helpers live outside the class: guarded() (client.ts) wraps every method of it as a call.
async function groupOf(ctx: WebjsContext, groupId: string): Promise<GroupChat> {
  const chat = await findChat(ctx, groupId).catch(() => null);
  if (!chat?.isGroup) throw new NotFoundError(`Group '${groupId}' not found — list the account's groups with GET /api/{session}/groups.`);
  return chat as GroupChat;
}

/** An invite-code call; WhatsApp's "no such code" is a 404, anything else stays a failure of the call. */
async function known<T>(code: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    if (UNKNOWN_INVITE.test(reason)) throw new NotFoundError(`No group for invite code '${code}': it is unknown or was revoked.`);
    throw err;
  }
}

const notAdmin = (groupId: string, what: string) =>
  new UnprocessableError(`WhatsApp lets only admins ${what} of group '${groupId}', and this account is not one.`);

/** A group chat as JSON, with the getters JSON leaves out (owner, participants, …). */
function groupJson(g: GroupChat): Plain {
  return {
    ...toPlain(g),
    owner: g.owner ?? null,
    createdAt: g.createdAt ?? null,
    description: g.description ?? null,
    participants: toPlain({ p: g.participants ?? [] }).p,
  };
}
