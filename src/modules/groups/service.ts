import type { Clients, GroupSetting, Plain } from '../../engine/types';
import { NotFoundError } from '../../errors';
import { type MediaLimits, resolveMedia } from '../messages/media';
import type { GroupsQuery, PictureBody } from './model';

const ids = (list: { id: string }[]) => list.map((p) => p.id);

/** `https://chat.whatsapp.com/AbC` → `AbC`; a bare code as it is. */
export const inviteCodeOf = (codeOrLink: string) => codeOrLink.replace(/\/+$/, '').split('/').pop() ?? codeOrLink;

/** The member lists WAHA's `exclude=participants` leaves out of each group. */
const MEMBER_FIELDS = ['participants', 'pendingParticipants', 'pastParticipants', 'membershipApprovalRequests'];

/** Groups of a session's account: membership, invite codes, info, settings and picture. */
export class GroupsService {
  constructor(
    private readonly clients: Clients,
    private readonly limits: MediaLimits,
  ) {}

  async list(session: string, q: typeof GroupsQuery.static = {}) {
    let groups = await this.clients.client(session).groups.list();
    if (q.sortBy) {
      const key = (g: Plain) => String(q.sortBy === 'id' ? serialized(g.id) : (meta(g).subject ?? g.name ?? '')).toLowerCase();
      const dir = q.sortOrder === 'desc' ? -1 : 1;
      groups = [...groups].sort((a, b) => (key(a) < key(b) ? -dir : key(a) > key(b) ? dir : 0));
    }
    const from = q.offset ?? 0;
    groups = groups.slice(from, q.limit === undefined ? undefined : from + q.limit);
    const exclude = [q.exclude ?? []].flat();
    return exclude.includes('participants') ? groups.map(withoutMembers) : groups;
  }

  async count(session: string) {
    return { count: (await this.clients.client(session).groups.list()).length };
  }

  create(session: string, name: string, participants: { id: string }[]) {
    return this.clients.client(session).groups.create(name, ids(participants));
  }

  async get(session: string, id: string) {
    const group = await this.clients.client(session).groups.get(id);
    if (!group) throw new NotFoundError(`Group '${id}' not found in session '${session}'.`);
    return group;
  }

  delete(session: string, id: string) {
    return this.clients.client(session).groups.delete(id);
  }

  /** whatsapp-web.js keeps groups up to date as WhatsApp reports changes: there is nothing to refresh. */
  async refresh(session: string) {
    this.clients.client(session);
    return { success: true };
  }

  joinInfo(session: string, code: string) {
    return this.clients.client(session).groups.inviteInfo(inviteCodeOf(code));
  }

  async join(session: string, code: string) {
    return { id: await this.clients.client(session).groups.join(inviteCodeOf(code)) };
  }

  leave(session: string, id: string) {
    return this.clients.client(session).groups.leave(id);
  }

  participants(session: string, id: string) {
    return this.clients.client(session).groups.participants(id);
  }

  members(session: string, id: string) {
    return this.clients.client(session).groups.members(id);
  }

  updateParticipants(session: string, id: string, action: 'add' | 'remove' | 'promote' | 'demote', participants: { id: string }[]) {
    return this.clients.client(session).groups.updateParticipants(id, action, ids(participants));
  }

  inviteCode(session: string, id: string) {
    return this.clients.client(session).groups.inviteCode(id);
  }

  revokeInvite(session: string, id: string) {
    return this.clients.client(session).groups.revokeInvite(id);
  }

  setSubject(session: string, id: string, subject: string) {
    return this.clients.client(session).groups.setSubject(id, subject);
  }

  setDescription(session: string, id: string, description: string) {
    return this.clients.client(session).groups.setDescription(id, description);
  }

  async adminsOnly(session: string, id: string, setting: GroupSetting) {
    return { adminsOnly: await this.clients.client(session).groups.adminsOnly(id, setting) };
  }

  setAdminsOnly(session: string, id: string, setting: GroupSetting, adminsOnly: boolean) {
    return this.clients.client(session).groups.setAdminsOnly(id, setting, adminsOnly);
  }

  async picture(session: string, id: string) {
    return { url: await this.clients.client(session).groups.pictureUrl(id) };
  }

  async setPicture(session: string, id: string, body: typeof PictureBody.static) {
    const groups = this.clients.client(session).groups;
    const picture = await resolveMedia(body.file, this.limits);
    return { success: await groups.setPicture(id, picture) };
  }

  async deletePicture(session: string, id: string) {
    return { success: await this.clients.client(session).groups.deletePicture(id) };
  }
}

const serialized = (id: unknown) => (id && typeof id === 'object' ? (id as { _serialized?: string })._serialized : id) ?? '';
const meta = (g: Plain) => (g.groupMetadata ?? {}) as Record<string, unknown>;

function withoutMembers(g: Plain): Plain {
  const { participants: _, ...rest } = g;
  const m = { ...meta(g) };
  for (const f of MEMBER_FIELDS) delete m[f];
  return { ...rest, groupMetadata: m };
}
