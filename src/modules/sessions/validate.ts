/** Checks on session input that the HTTP schemas cannot make (and that the CLI and env need too). */
import { BadRequestError, UnprocessableError } from '../../errors';
import { validateWebhook } from '../../events/targets';
import { SESSION_NAME_HINT, SESSION_NAME_PATTERN, type SessionConfig, type SessionStatus } from './model';

const NAME = new RegExp(SESSION_NAME_PATTERN);

export const isSessionName = (name: string): boolean => NAME.test(name);

/** Throws a 400 unless `name` can be a session (and so a folder) name. */
export function assertSessionName(name: string): void {
  if (!isSessionName(name)) throw new BadRequestError(`Invalid session name '${name}': ${SESSION_NAME_HINT}.`, { session: name });
}

/** What the schema cannot check of a config: each webhook's URL and headers (400 otherwise). */
export function assertSessionConfig(config: SessionConfig | null | undefined): void {
  for (const [i, w] of (config?.webhooks ?? []).entries()) validateWebhook(w, `config.webhooks[${i}]`);
}

/**
 * WAHA's 422 for an operation the session's status does not allow. WAHA's clients read `session`,
 * `status` and `expected` at the top of the body (e.g. to start a STOPPED session and try again),
 * so they are there as well as in `details`.
 */
export function notExpected(s: { name: string; status: SessionStatus }, expected: SessionStatus[]): UnprocessableError {
  const hint =
    s.status === 'WORKING' && expected.includes('SCAN_QR_CODE')
      ? 'It is already logged in.'
      : `Start it with POST /api/sessions/${s.name}/start, or try again later.`;
  const what = { session: s.name, status: s.status, expected };
  return new UnprocessableError(
    `Session status is not as expected: '${s.name}' is ${s.status}, expected ${expected.join(' or ')}. ${hint}`,
    what,
    what,
  );
}
