import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** Checks a presented API key against the configured one, in constant time. */
export interface KeyCheck {
  verify(presented: string | null | undefined): boolean;
}

const sha512 = (s: string) => createHash('sha512').update(s, 'utf8').digest();

/**
 * `configured` is plain text or `sha512:<hex>` (WAHA's two forms). Both sides are reduced to a
 * SHA-512 digest first, so the comparison is over equal lengths and leaks neither length nor prefix.
 */
export function createKeyCheck(configured: string): KeyCheck {
  const expected = configured.toLowerCase().startsWith('sha512:')
    ? Buffer.from(configured.slice('sha512:'.length).trim(), 'hex')
    : sha512(configured);
  if (expected.length !== 64) throw new Error('WAHA_API_KEY: a sha512: key must be 128 hex characters');
  return {
    verify(presented) {
      if (!presented) return false;
      return timingSafeEqual(sha512(presented), expected);
    },
  };
}

/** A fresh key for when none is configured (WAHA prints one at start). */
export const generateKey = () => randomBytes(24).toString('hex');
