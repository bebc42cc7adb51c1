/**
 * Media conversion with Debian's `ffmpeg` (docs/media-conversion.md): voice to Opus in an Ogg
 * container (what WhatsApp plays as a voice note), video to H.264/AAC in MP4. ffmpeg is looked
 * up on PATH once; without it the conversion routes answer 503 naming the package, and nothing
 * else needs it. Input and output are bounded in size, each run in time.
 */
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PayloadTooLargeError, ServiceUnavailableError, UnprocessableError } from '../../errors';

export type ConversionKind = 'voice' | 'video';

export interface ConverterOptions {
  /** Largest input and output, in bytes (MEDIA_MAX_MB). */
  maxBytes: number;
  /** Longest one conversion may take before ffmpeg is killed. */
  timeoutMs: number;
  /** Finds ffmpeg; default: PATH. */
  find?: () => string | null;
}

/** What each kind becomes, and how. */
export const OUTPUTS: Record<ConversionKind, { mimetype: string; ext: string; args: string[] }> = {
  voice: {
    mimetype: 'audio/ogg; codecs=opus',
    ext: 'ogg',
    // Mono 48 kHz Opus tuned for speech: what WhatsApp's own voice notes are.
    args: ['-vn', '-map_metadata', '-1', '-ac', '1', '-ar', '48000', '-c:a', 'libopus', '-b:a', '32k', '-application', 'voip', '-f', 'ogg'],
  },
  video: {
    mimetype: 'video/mp4',
    ext: 'mp4',
    // H.264 baseline in yuv420p with even dimensions and the index first: what every WhatsApp client plays.
    args: [
      '-c:v',
      'libx264',
      '-preset',
      'veryfast',
      '-profile:v',
      'baseline',
      '-pix_fmt',
      'yuv420p',
      '-vf',
      'scale=trunc(iw/2)*2:trunc(ih/2)*2',
      '-c:a',
      'aac',
      '-b:a',
      '128k',
      '-movflags',
      '+faststart',
      '-f',
      'mp4',
    ],
  },
};

export const FFMPEG_MISSING = 'ffmpeg is not installed on this server — install it with `apt-get install -y ffmpeg` (Debian), then retry.';

const MB = 1024 * 1024;

/** Converts media with ffmpeg; one temporary folder per run, removed after it. */
export class MediaConverter {
  private path: string | null | undefined;

  constructor(private readonly o: ConverterOptions) {}

  /** ffmpeg's path, looked up once; 503 naming the package when it is missing. */
  ffmpeg(): string {
    if (this.path === undefined) this.path = (this.o.find ?? (() => Bun.which('ffmpeg')))();
    if (!this.path) throw new ServiceUnavailableError(FFMPEG_MISSING, { package: 'ffmpeg' });
    return this.path;
  }

  async convert(kind: ConversionKind, input: Uint8Array): Promise<{ mimetype: string; data: Uint8Array<ArrayBuffer> }> {
    const ffmpeg = this.ffmpeg();
    if (input.byteLength > this.o.maxBytes)
      throw new PayloadTooLargeError(`The file is larger than ${Math.round(this.o.maxBytes / MB)} MB (MEDIA_MAX_MB).`);
    const out = OUTPUTS[kind];
    const dir = await mkdtemp(join(tmpdir(), 'wabun-convert-'));
    try {
      const src = join(dir, 'input');
      const dst = join(dir, `output.${out.ext}`);
      await writeFile(src, input);
      const proc = Bun.spawn([ffmpeg, '-hide_banner', '-loglevel', 'error', '-nostdin', '-y', '-i', src, ...out.args, dst], {
        stdin: 'ignore',
        stdout: 'ignore',
        stderr: 'pipe',
      });
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        proc.kill('SIGKILL');
      }, this.o.timeoutMs);
      const [code, stderr] = await Promise.all([proc.exited, new Response(proc.stderr).text()]).finally(() => clearTimeout(timer));
      if (timedOut)
        throw new UnprocessableError(`Converting the ${kind} took longer than ${Math.round(this.o.timeoutMs / 1000)} s and was stopped.`);
      if (code !== 0)
        throw new UnprocessableError(`ffmpeg could not convert the ${kind}: ${lastLine(stderr) || `exit code ${code}`}`, { kind });
      if ((await stat(dst)).size > this.o.maxBytes)
        throw new PayloadTooLargeError(`The converted ${kind} is larger than ${Math.round(this.o.maxBytes / MB)} MB (MEDIA_MAX_MB).`);
      return { mimetype: out.mimetype, data: new Uint8Array(await readFile(dst)) };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
}

function lastLine(text: string): string {
  return text.trim().split('\n').at(-1)?.slice(0, 300) ?? '';
}
