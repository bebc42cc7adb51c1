/**
 * `GET /api/server/environment`: the process environment as WAHA shows it — without `all`, only
 * its own families (`WAHA_*`, `WHATSAPP_*`, `DEBUG`), sorted — with every secret masked, since the
 * answer goes to a browser (WAHA's dashboard shows it in a table). What counts as a secret:
 * a variable the configuration table marks secret; any other whose name says key, secret, password,
 * token, HMAC, credential or auth (unless the table knows it as not secret, like
 * WHATSAPP_API_KEY_EXCLUDE_PATH); a `sha512:` key; the password, and query values named like
 * secrets, of a URL (a database or proxy URL).
 */
import { VARIABLES } from '../../config';

/** What a secret is shown as. */
export const MASK = '***';

// Loose on purpose: masking a harmless variable costs nothing, showing a secret does.
const SECRET_NAME = /(KEY|SECRET|PASS|PWD|TOKEN|HMAC|CREDENTIAL|AUTH|COOKIE|PRIVATE|SIGNATURE|SALT)/i;
const SECRET_PARAM = /(key|secret|password|passwd|pass|pwd|token|hmac|auth|signature|sig|credential)/i;

/** Secret or not, for every variable the configuration table knows under any of its names. */
const KNOWN = new Map<string, boolean>(
  (VARIABLES as readonly { names: readonly string[]; secret?: boolean }[]).flatMap((v) => v.names.map((n) => [n, v.secret === true])),
);

const isWahaFamily = (name: string) => name.startsWith('WAHA_') || name.startsWith('WHATSAPP_') || name === 'DEBUG';

/** Whether the value of `name` is a secret as a whole. */
export function isSecretName(name: string): boolean {
  return KNOWN.get(name) ?? SECRET_NAME.test(name);
}

/** `value` with what is secret inside it masked: a `sha512:` key, a URL's password and secret-named query values. */
export function maskValue(value: string): string {
  if (/^sha512:[0-9a-f]{16,}$/i.test(value.trim())) return MASK;
  // Each URL inside the value (a comma list may hold several).
  return value.replace(/\b([a-z][a-z0-9+.-]*:\/\/)([^\s,;/?#@]*@)?([^\s,;]*)/gi, (_all, scheme: string, userinfo = '', rest: string) => {
    let user = userinfo;
    if (userinfo) {
      const colon = userinfo.indexOf(':');
      user = colon === -1 ? userinfo : `${userinfo.slice(0, colon)}:${MASK}@`;
    }
    const masked = rest.replace(/([?&])([^=&#]+)=([^&#]*)/g, (m, sep: string, k: string) =>
      SECRET_PARAM.test(k) ? `${sep}${k}=${MASK}` : m,
    );
    return `${scheme}${user}${masked}`;
  });
}

/** The environment to show: WAHA's families only unless `all`, sorted by name, secrets masked. */
export function environmentView(env: Record<string, string | undefined>, all: boolean): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of Object.keys(env).sort()) {
    const value = env[name];
    if (value === undefined || (!all && !isWahaFamily(name))) continue;
    out[name] = value === '' ? '' : isSecretName(name) ? MASK : maskValue(value);
  }
  return out;
}
