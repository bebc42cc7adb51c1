/** Small media files the area tests send and receive. */

/** A 1×1 PNG (also a valid profile picture: the library crops and scales it in a canvas). */
export const PNG_1X1 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';

/**
 * A real voice note: 0.3 s of a 440 Hz tone, Opus in Ogg, 879 bytes, made with
 * `ffmpeg -f lavfi -i sine=frequency=440:duration=0.3:sample_rate=48000 -ac 1 -c:a libopus -b:a 12k`.
 * Chromium decodes it, so the library draws a waveform for it.
 */
export const VOICE_OGG_OPUS =
  'T2dnUwACAAAAAAAAAAAAAAAAAAAAAAIotXIBE09wdXNIZWFkAQE4AYC7AAAAAABPZ2dTAAAAAAAAAAAAAAAAAAABAAAASZW+VAEuT3B1c1RhZ3MGAAAAZmZtcGVnAQAAABQAAABlbmNvZGVyPUxhdmMgbGlib3B1c09nZ1MABHg5AAAAAAAAAAAAAAIAAACrpUKrEDMsLS8jKDIwMy8vNi4pLBlIgi63bFa39AAB5c2d7Rqm6QXqFZBnYqQLkptcTJU3EEPryGUs8PyDMNiH21kInX4kEqBIpIhXrJiFA1wmCo7BubzDsOGCMKYzAsvfCw40iJBDvB2yzqaKfBMhm4LYaEicG1dRXyWjj6+UBal3QwES9Ch68B7OvNeuutRR6NIOAzAYTo/zpN0PoFa86EicG1JWzh/qEXnB9Ag+61xacL3DbMzJmSS17DhpIv3inyvXsNnvE7H7iPWYxz0wSJwbn3Wc/Ekzv8UeB9jh2ny0FCjBEIHfFuXYJoc0VM6AUeBInBtXS922lJv4YWmgx7OOA6UDbIcyj0yTGhxHVudfttGqW6ihKb0MSJwbUbQcv1JP8kH0jSVR+gwCc6fwynzTJPvzG3suOR/TeEYo7HQIjxThhOXmuKysMCBInBtSVs4jdnvK0bfptNoKqiTHPRwKaayHVr6HuzZlMmqsTHYV6Tw8jkCMQ8BSG6BInBtSVs4f6hF5wbNYGa/7MgFroDib/GntugVlBZATqWLgPNimUEqGbmE3lXzXb9khGkBInEEAVbZTjTLjYSmfnOLzKmTl1GfK6JyDbYqKZB/eAribq2Ok0zLk6I+h29rVIEick5dm2lGLicIdGLKBsFbMF9kQgiUHQfro79H5AnTcOWUbghoSdevCbRYchix0SJyTklbOIio/3/38VQmO7BhdyaPc1q0c2P42WTI+Pxe1rM4q6LppQra14MrHpm6/9DAksi+BSJyTklbOI3aBFnY9Yfzc/WkVZFjzS++wP5z+AIKGAA/kCrR9XCWnpxukn+Y6oEidaPl4XIhZUWahAsMd2GvMhR/kJuHSRFZQFFNw1r4W/Jp1HiUEj1TgSJ1o+XhcjBRpcBEfaYPljn6zgYEwcXs76aiKvcFDpE3yP+XzwPsZuB3BpW1IguCeDpN9zJUyDbjEjnjaAPIhoRhGUjpY';

/** What an Ogg Opus file starts with: the "OggS" capture pattern, and "OpusHead" in its first page. */
export function isOggOpus(base64: string): boolean {
  const bytes = Buffer.from(base64, 'base64');
  return bytes.subarray(0, 4).toString('latin1') === 'OggS' && bytes.subarray(0, 64).toString('latin1').includes('OpusHead');
}
