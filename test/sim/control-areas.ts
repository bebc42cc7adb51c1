/**
 * Shapes of the simulator's group, label and channel control methods (page/groups.js,
 * page/labels.js, page/channels.js); the methods themselves are on SimControl (./control.ts).
 */

export type GroupRole = 'superadmin' | 'admin' | 'participant';

/** A group as the server sees it; the account need not be in it (`member: false`). */
export interface SimGroup {
  id: string;
  member: boolean;
  subject: string;
  description: string | null;
  owner: string | null;
  creation: number;
  /** Only admins send messages. */
  announce: boolean;
  /** Only admins edit subject, description and picture. */
  restrict: boolean;
  memberAddMode: 'all_member_add' | 'admin_add';
  participants: { id: string; role: GroupRole }[];
  /** null until an admin (or the control side) asked for one. */
  inviteCode: string | null;
  /** `thumbnail` / `image`: the data URLs the library uploaded (96 and 640 px JPEG). */
  picture: { url: string; thumbnail?: string; image?: string } | null;
}

export interface GroupSpec {
  id?: string;
  subject: string;
  participants?: string[];
  admins?: string[];
  /** The superadmin; default us (for a group we are in) or the first participant. */
  owner?: string;
  description?: string;
  inviteCode?: string;
  /** false: a group on the server only, which the account can join by its invite code. */
  member?: boolean;
  announce?: boolean;
  restrict?: boolean;
}

/** What another member (or the server) does to a group. */
export type GroupEvent = { group: string; by?: string } & (
  | { action: 'add' | 'remove' | 'invite' | 'promote' | 'demote'; participants: string[] }
  | { action: 'leave'; participants?: string[] }
  | { action: 'subject'; subject: string }
  | { action: 'description'; description: string }
  | { action: 'announce' | 'restrict'; value: boolean }
  | { action: 'member_add_mode'; value: 'admin_add' | 'all_member_add' }
  | { action: 'picture'; value: string | null }
  | { action: 'revoke_invite' }
);

export interface SimLabel {
  id: string;
  name: string;
  /** Index into WhatsApp's 20-colour label palette. */
  color: number;
  hexColor: string;
  predefinedId: string | null;
  count: number;
  chats: string[];
}

/** A label change made on the phone. */
export type LabelChange =
  | { action: 'create'; name: string; color?: number }
  | { action: 'edit'; labelId: string; name?: string; color?: number }
  | { action: 'delete'; labelId: string }
  | { action: 'add' | 'remove'; labelId: string; chatId: string };

export type ChannelRole = 'owner' | 'admin' | 'subscriber' | 'guest';

export interface SimChannel {
  id: string;
  name: string;
  description: string;
  inviteCode: string;
  /** null: only in the directory, not in the account. */
  role: ChannelRole | null;
  verified: boolean;
  subscribers: number;
  country: string;
  categories: string[];
  muted: boolean;
  /** Posts on the server; loadedMessages: how many the account's model holds. */
  posts: number;
  loadedMessages: number;
}

export interface ChannelSpec {
  id?: string;
  name: string;
  description?: string;
  inviteCode?: string;
  /** ISO 3166 alpha-2; default US. */
  country?: string;
  categories?: string[];
  subscribers?: number;
  verified?: boolean;
  /** In the account as this role; 'none' (default): in the directory only. */
  role?: 'owner' | 'admin' | 'subscriber' | 'none';
  /** Older posts to generate. */
  posts?: number;
  createdAt?: number;
  /** Higher comes first in the TRENDING view. */
  trend?: number;
}
