/**
 * Podman for the container test and the container bench, set up inside folders they own:
 * configuration, image storage and run-time state under STATE_DIR and RUN_DIR (the machine's own
 * podman configuration is neither read nor changed), and the two base images the Dockerfile names
 * built here, since no container registry is reachable. Every step is idempotent: a second run
 * finds the base images (by their recipe label) and podman's build cache, and only builds what
 * changed. docs/container.md says why each setting is what it is.
 */
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDockerfile } from '../../support/deploy-files';

/** Configuration, storage, build logs. Persistent, so a second run is fast. */
export const STATE_DIR = process.env.WABUN_CONTAINER_DIR || '/var/tmp/wabun-container';
/** podman's run-time state (container states, locks): on /run, so a reboot starts it afresh. */
export const RUN_DIR = process.env.WABUN_CONTAINER_RUN_DIR || '/run/wabun-container';
/** Where debootstrap fetches bookworm from (the mirror the base image's apt uses as well). */
const DEBIAN_MIRROR = process.env.WABUN_DEBIAN_MIRROR || 'http://deb.debian.org/debian';
/** This machine's CA bundle: here the npm registry is reached through a TLS proxy whose CA only the host trusts. */
const HOST_CA = '/etc/ssl/certs/ca-certificates.crt';
/** The Debian packages the test needs on the host (run.sh installs them as root). */
export const HOST_PACKAGES = ['podman', 'runc', 'debootstrap'];
const INSTALL_HINT = `as root: apt-get install -y --no-install-recommends ${HOST_PACKAGES.join(' ')} (bash scripts/run.sh test does this)`;

const CONF = join(STATE_DIR, 'conf');
export const REPO = join(import.meta.dir, '..', '..', '..');

export interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

/** Hard limits of this process (`Max open files`, `Max processes` of /proc/self/limits). */
function hardLimit(name: string): number | null {
  const line = readFileSync('/proc/self/limits', 'utf8')
    .split('\n')
    .find((l) => l.startsWith(name));
  const hard = line?.slice(name.length).trim().split(/\s+/)[1];
  return hard && /^\d+$/.test(hard) ? Number(hard) : null;
}

/**
 * podman's configuration files, rewritten every run (cheap, and a changed machine gets new values).
 * - runtime runc: crun refuses hosts with hybrid cgroups (v1 controllers plus a v2 mount);
 * - cgroupfs, file events: no systemd is needed;
 * - ulimits no higher than this machine's hard limits (nproc no higher than kernel.pid_max
 *   either): podman's defaults for root ask for more than some hosts allow, and then every
 *   container fails to start (runc: "error setting rlimit … operation not permitted");
 * - short names resolve on docker.io, so `FROM node:22-bookworm-slim` finds the local stand-in;
 *   builds run with --pull=never, so nothing is ever fetched.
 */
function writeConfig(): void {
  mkdirSync(CONF, { recursive: true });
  mkdirSync(RUN_DIR, { recursive: true });
  const nofile = Math.min(hardLimit('Max open files') ?? 20000, 1048576);
  const pidMax = Number(readFileSync('/proc/sys/kernel/pid_max', 'utf8').trim()) || 32768;
  const nproc = Math.min(hardLimit('Max processes') ?? pidMax, pidMax);
  writeFileSync(
    join(CONF, 'containers.conf'),
    [
      '[containers]',
      `default_ulimits = ["nofile=${nofile}:${nofile}", "nproc=${nproc}:${nproc}"]`,
      '[engine]',
      'runtime = "runc"',
      'cgroup_manager = "cgroupfs"',
      'events_logger = "file"',
      `tmp_dir = "${join(RUN_DIR, 'libpod')}"`,
      '',
    ].join('\n'),
  );
  writeFileSync(
    join(CONF, 'storage.conf'),
    ['[storage]', 'driver = "overlay"', `graphroot = "${join(STATE_DIR, 'storage')}"`, `runroot = "${join(RUN_DIR, 'storage')}"`, ''].join(
      '\n',
    ),
  );
  writeFileSync(
    join(CONF, 'registries.conf'),
    ['unqualified-search-registries = ["docker.io"]', 'short-name-mode = "permissive"', ''].join('\n'),
  );
}

/** The environment every podman call gets: only our configuration files. */
export function podmanEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
  return {
    ...env,
    CONTAINERS_CONF: join(CONF, 'containers.conf'),
    CONTAINERS_STORAGE_CONF: join(CONF, 'storage.conf'),
    CONTAINERS_REGISTRIES_CONF: join(CONF, 'registries.conf'),
  };
}

/** Runs podman to the end. Throws with its output when it fails, unless `check` is false. */
export async function podman(args: string[], opts: { check?: boolean; stdin?: Blob | ReadableStream } = {}): Promise<Result> {
  const proc = Bun.spawn(['podman', ...args], {
    env: podmanEnv(),
    stdin: opts.stdin ?? 'ignore',
    stdout: 'pipe',
    stderr: 'pipe',
  });
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  if (code !== 0 && opts.check !== false) throw new Error(`podman ${args.join(' ')} exited with ${code}:\n${stderr}${stdout}`);
  return { code, stdout, stderr };
}

/** A program's path, looking in the sbin folders too (debootstrap and runc live there; a user's PATH may lack them). */
export const tool = (bin: string) => Bun.which(bin, { PATH: `${process.env.PATH ?? ''}:/usr/local/sbin:/usr/sbin:/sbin` });

/** Why podman cannot run containers on this machine, or null. Only quick checks; no image needed. */
export function whyNot(): string | null {
  if (process.env.WABUN_SKIP_CONTAINER === '1') return 'WABUN_SKIP_CONTAINER=1';
  if (process.platform !== 'linux') return `podman containers need Linux (this is ${process.platform})`;
  if (process.getuid?.() !== 0)
    return 'not root: the test runs rootful podman (rootless podman needs subuid/subgid ranges set up for the user)';
  for (const bin of HOST_PACKAGES) if (!tool(bin)) return `${bin} is not installed (${INSTALL_HINT})`;
  if (!/^memory\s+\d+\s+\d+\s+1$/m.test(readFileSync('/proc/cgroups', 'utf8')))
    return 'the kernel has no memory cgroup controller: --memory cannot be enforced';
  if (!tool('unshare') || !tool('nsenter')) return 'unshare and nsenter (util-linux) are needed';
  if (Bun.spawnSync([tool('unshare')!, '-m', '-n', '-p', '-f', 'true']).exitCode !== 0)
    return 'cannot create mount, network and pid namespaces here (unshare -m -n -p fails): podman cannot start a container';
  return null;
}

const sha = (...parts: string[]) => createHash('sha256').update(parts.join('\0')).digest('hex').slice(0, 16);

/** The recipe label a stand-in base image carries: a new recipe builds the image again. */
const RECIPE_LABEL = 'wabun.recipe';

async function recipeOf(image: string): Promise<string | null> {
  const r = await podman(['image', 'inspect', '--format', `{{index .Labels "${RECIPE_LABEL}"}}`, image], { check: false });
  return r.code === 0 ? r.stdout.trim() : null;
}

/** `debian:bookworm-slim` → `docker.io/library/debian:bookworm-slim`, as podman stores it. */
export const qualified = (name: string) =>
  name.includes('/') ? (name.split('/')[0]!.includes('.') ? name : `docker.io/${name}`) : `docker.io/library/${name}`;

/**
 * What the official slim image does on top of a minimal bookworm, applied to the debootstrap
 * tree: apt's sources with the security suite (Chromium comes from there), the image's apt and
 * dpkg settings (downloaded packages deleted after install, no translations, no docs, man pages
 * or locales installed), and those files removed. Image sizes then compare with Docker Hub's.
 */
const SLIM_SCRIPT = `set -e
cd "$1"
rm -f etc/apt/sources.list
cat > etc/apt/sources.list.d/debian.sources <<EOF
Types: deb
URIs: $2
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: $2-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
clean='rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true'
printf 'DPkg::Post-Invoke { "%s"; };\\nAPT::Update::Post-Invoke { "%s"; };\\nDir::Cache::pkgcache "";\\nDir::Cache::srcpkgcache "";\\n' "$clean" "$clean" > etc/apt/apt.conf.d/docker-clean
echo 'Acquire::Languages "none";' > etc/apt/apt.conf.d/docker-no-languages
echo 'Acquire::GzipIndexes "true";' > etc/apt/apt.conf.d/docker-gzip-indexes
echo 'Apt::AutoRemove::SuggestsImportant "false";' > etc/apt/apt.conf.d/docker-autoremove-suggests
mkdir -p etc/dpkg/dpkg.cfg.d
cat > etc/dpkg/dpkg.cfg.d/docker <<EOF
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/groff/*
path-exclude /usr/share/info/*
path-exclude /usr/share/lintian/*
path-exclude /usr/share/linda/*
path-exclude /usr/share/locale/*
EOF
find usr/share/doc -mindepth 1 -not -name copyright -not -type d -delete
find usr/share/doc -mindepth 1 -type d -empty -delete
rm -rf usr/share/man/* usr/share/groff/* usr/share/info/* usr/share/lintian/* usr/share/linda/* usr/share/locale/*
rm -rf var/cache/apt/archives/*.deb var/cache/apt/*.bin var/lib/apt/lists/* var/log/* etc/resolv.conf etc/hostname
`;

/** `debian:bookworm-slim`: debootstrap's minimal bookworm, slimmed as the official image is, imported. */
async function ensureDebian(name: string, log: (s: string) => void): Promise<void> {
  const recipe = sha(SLIM_SCRIPT, DEBIAN_MIRROR);
  if ((await recipeOf(name)) === recipe) return;
  log(`building ${name} with debootstrap from ${DEBIAN_MIRROR}`);
  const tmp = mkdtempSync(join(STATE_DIR, 'rootfs-'));
  try {
    const rootfs = join(tmp, 'rootfs');
    const boot = Bun.spawnSync([tool('debootstrap')!, '--variant=minbase', 'bookworm', rootfs, DEBIAN_MIRROR], {
      stdout: 'pipe',
      stderr: 'pipe',
    });
    if (boot.exitCode !== 0) throw new Error(`debootstrap failed:\n${boot.stdout.toString().slice(-3000)}${boot.stderr}`);
    const slim = Bun.spawnSync(['sh', '-c', SLIM_SCRIPT, 'sh', rootfs, DEBIAN_MIRROR], { stderr: 'pipe' });
    if (slim.exitCode !== 0) throw new Error(`slimming the rootfs failed:\n${slim.stderr}`);
    const tar = Bun.spawn(['tar', '--numeric-owner', '-C', rootfs, '-c', '.'], { stdout: 'pipe', stderr: 'pipe' });
    await podman(['import', '--change', 'CMD ["bash"]', '--change', `LABEL ${RECIPE_LABEL}=${recipe}`, '-', name], { stdin: tar.stdout });
    if ((await tar.exited) !== 0) throw new Error(`tar of the rootfs failed: ${await new Response(tar.stderr).text()}`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/**
 * A stand-in for `node:<n>-bookworm-slim`: the Dockerfile's build stage only needs npm to install
 * Bun, and Debian's nodejs/npm (Node 18) do that. It trusts this machine's CA bundle, through
 * which the npm registry is reached here; NODE_EXTRA_CA_CERTS makes Node and Bun use it too.
 */
async function ensureNode(name: string, debian: string, log: (s: string) => void): Promise<void> {
  const ca = existsSync(HOST_CA) ? readFileSync(HOST_CA) : Buffer.alloc(0);
  const containerfile = [
    `FROM ${debian}`,
    'RUN apt-get update \\',
    ' && apt-get install -y --no-install-recommends nodejs npm ca-certificates \\',
    ' && rm -rf /var/lib/apt/lists/*',
    'COPY host-ca.crt /etc/ssl/certs/ca-certificates.crt',
    'ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt',
    'CMD ["node"]',
  ].join('\n');
  const recipe = sha(
    containerfile,
    createHash('sha256').update(ca).digest('hex'),
    (await podman(['image', 'inspect', '--format', '{{.Id}}', debian])).stdout.trim(),
  );
  if ((await recipeOf(name)) === recipe) return;
  log(`building ${name} (stand-in: Debian's nodejs and npm)`);
  const ctx = mkdtempSync(join(STATE_DIR, 'node-ctx-'));
  try {
    if (ca.length) writeFileSync(join(ctx, 'host-ca.crt'), ca);
    else copyFileSync('/dev/null', join(ctx, 'host-ca.crt'));
    writeFileSync(join(ctx, 'Containerfile'), `${containerfile}\nLABEL ${RECIPE_LABEL}=${recipe}\n`);
    await buildLogged(['build', '--pull=never', '--format', 'docker', '-t', name, ctx], `base-${name.replace(/[^\w.-]+/g, '_')}`);
  } finally {
    rmSync(ctx, { recursive: true, force: true });
  }
}

/** A build with its whole output in STATE_DIR/logs/<name>.log; a failure shows its tail. */
async function buildLogged(args: string[], name: string): Promise<string> {
  mkdirSync(join(STATE_DIR, 'logs'), { recursive: true });
  const logFile = join(STATE_DIR, 'logs', `${name}.log`);
  const r = await podman(args, { check: false });
  const out = r.stdout + r.stderr;
  writeFileSync(logFile, out);
  if (r.code !== 0) throw new Error(`podman ${args.join(' ')} failed (exit ${r.code}; whole log: ${logFile}):\n${out.slice(-4000)}`);
  return out;
}

/** The two images the Dockerfile starts FROM, and nothing else. */
export function baseImages(dockerfile = readFileSync(join(REPO, 'Dockerfile'), 'utf8')): { build: string; run: string } {
  const [build, run] = parseDockerfile(dockerfile);
  if (!build || !run) throw new Error('the Dockerfile has not two stages');
  return { build: qualified(build.from), run: qualified(run.from) };
}

/**
 * Configuration and the debian base image (debootstrap: about a minute the first time), then one
 * container started from it. Resolves with why containers cannot run here, or null.
 */
export async function prepareRuntime(log: (s: string) => void = console.log): Promise<string | null> {
  const why = whyNot();
  if (why) return why;
  mkdirSync(STATE_DIR, { recursive: true });
  writeConfig();
  const { run } = baseImages();
  if (run !== 'docker.io/library/debian:bookworm-slim') throw new Error(`no stand-in recipe for the run stage's base ${run}`);
  await ensureDebian(run, log);
  const probe = await podman(['run', '--rm', '--network=none', run, 'true'], { check: false });
  if (probe.code !== 0) return `podman cannot start a container here: ${probe.stderr.trim().split('\n').at(-1)}`;
  return null;
}

/** The build stage's base (the Node stand-in); after prepareRuntime. */
export async function prepareBuildBase(log: (s: string) => void = console.log): Promise<void> {
  const { build, run } = baseImages();
  if (!/^docker\.io\/library\/node:\d+-bookworm-slim$/.test(build))
    throw new Error(`no stand-in recipe for the build stage's base ${build}`);
  await ensureNode(build, run, log);
}

export interface BuiltImage {
  id: string;
  tag: string;
  ms: number;
  bytes: number;
  /** Steps podman took from its cache ("Using cache"), of all steps. */
  cached: number;
  steps: number;
}

/** `podman build` of the repository's Dockerfile as it is, with `--format docker` so HEALTHCHECK is kept. */
export async function buildImage(tag: string, buildArgs: Record<string, string> = {}): Promise<BuiltImage> {
  const iid = join(RUN_DIR, `iid-${process.pid}-${crypto.randomUUID()}`);
  const args = ['build', '--pull=never', '--format', 'docker', '--iidfile', iid, '-t', tag, '-f', join(REPO, 'Dockerfile')];
  for (const [k, v] of Object.entries(buildArgs)) args.push('--build-arg', `${k}=${v}`);
  const t0 = performance.now();
  const out = await buildLogged([...args, REPO], `build-${tag.replace(/[^\w.-]+/g, '_')}`);
  const ms = Math.round(performance.now() - t0);
  const id = readFileSync(iid, 'utf8').trim();
  rmSync(iid, { force: true });
  // Cache left by earlier builds and no longer tagged: bounded, but a day's builds stay fast.
  await podman(['image', 'prune', '-f', '--filter', 'until=24h'], { check: false });
  return {
    id,
    tag,
    ms,
    bytes: Number((await podman(['image', 'inspect', '--format', '{{.Size}}', id])).stdout.trim()),
    cached: out.match(/^--> Using cache /gm)?.length ?? 0,
    steps: out.match(/^\[\d+\/\d+\] STEP /gm)?.length ?? out.match(/^STEP /gm)?.length ?? 0,
  };
}

/** Gives `path` (and the folders on the way from `root`) to the owner of `root`, as a volume's files must be. */
export function chownLike(root: string, path: string): void {
  const st = Bun.spawnSync(['stat', '-c', '%u:%g', root]).stdout.toString().trim();
  const r = Bun.spawnSync(['chown', '-R', st, path]);
  if (r.exitCode !== 0) throw new Error(`chown ${st} ${path} failed`);
}

/** A folder the container's non-root user can read: mkdtemp makes 0700 folders. */
export function readableDir(dir: string): string {
  mkdirSync(dir, { recursive: true });
  chmodSync(dir, 0o755);
  return dir;
}
