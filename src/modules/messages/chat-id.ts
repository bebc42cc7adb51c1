/**
 * Chat ids as WAHA clients give them. WAHA's WEBJS engine appends `@c.us` to anything without an
 * `@`, so a bare phone number names a person's chat; people also paste numbers as written
 * (`+1 (415) 555-0123`), so the punctuation a phone number is written with is dropped first.
 * Plain functions (no Elysia): the HTTP schemas and the MCP tools share them.
 */

/**
 * What a chat id may be given as: a phone number (5–20 digits, optionally written with `+`,
 * spaces, dashes, dots and parentheses), `<digits>@c.us`, `<id>@g.us`, `<digits>@lid`,
 * `<digits>@newsletter` or `status@broadcast`.
 */
export const CHAT_ID_INPUT_PATTERN =
  '^(?:(?=(?:\\D*\\d){5,20}\\D*$)\\+?[\\d\\s().-]+|\\d{5,20}@c\\.us|[0-9A-Za-z-]{5,40}@g\\.us|\\d{5,20}@lid|\\d{5,30}@newsletter|status@broadcast)$';

/** What a chat id is once normalized: one of the suffixed forms above. */
export const CHAT_ID_PATTERN = '^(\\d{5,20}@c\\.us|[0-9A-Za-z-]{5,40}@g\\.us|\\d{5,20}@lid|\\d{5,30}@newsletter|status@broadcast)$';

export const CHAT_ID_HINT =
  'a chat id like 14155550123@c.us (a person; a bare phone number such as 14155550123 or +1 415 555 0123 means the same), 120363000000000000@g.us (a group), …@lid, …@newsletter or status@broadcast';

/** A chat id as WhatsApp knows it: a phone number becomes `<digits>@c.us`, a suffixed id stays as it is. */
export function normalizeChatId(input: string): string {
  const id = input.trim();
  return id.includes('@') ? id : `${id.replace(/\D/g, '')}@c.us`;
}

const inputPattern = new RegExp(CHAT_ID_INPUT_PATTERN);

/** True when `input` is a chat id in one of the accepted forms. */
export const isChatIdInput = (input: string): boolean => inputPattern.test(input);
