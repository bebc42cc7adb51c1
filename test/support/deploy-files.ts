/** Just enough parsing of a Dockerfile and a systemd unit to check them and replay their steps. */

export interface Instruction {
  op: string;
  args: string;
}
export interface Stage {
  from: string;
  name: string | null;
  steps: Instruction[];
}

/** Instructions grouped by stage (each FROM starts one); comments and line continuations handled. */
export function parseDockerfile(text: string): Stage[] {
  const logical: string[] = [];
  let current = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (current === '' && (line === '' || line.startsWith('#'))) continue;
    if (line.startsWith('#')) continue; // a comment inside a continued instruction
    if (line.endsWith('\\')) {
      current += `${line.slice(0, -1)} `;
      continue;
    }
    logical.push((current + line).trim());
    current = '';
  }
  const stages: Stage[] = [];
  for (const l of logical) {
    const [, op = '', args = ''] = /^(\S+)\s*(.*)$/.exec(l) ?? [];
    if (op.toUpperCase() === 'FROM') {
      const m = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(args);
      stages.push({ from: m?.[1] ?? args, name: m?.[2] ?? null, steps: [] });
    } else {
      stages.at(-1)?.steps.push({ op: op.toUpperCase(), args: args.replace(/\s+/g, ' ') });
    }
  }
  return stages;
}

/** `ENV A=1 B=2` (the only form we use) as an object. */
export function envOf(stage: Stage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const s of stage.steps.filter((x) => x.op === 'ENV'))
    for (const m of s.args.matchAll(/(\w+)=("[^"]*"|\S+)/g)) out[m[1]!] = m[2]!.replace(/^"|"$/g, '');
  return out;
}

/** The steps of one kind, e.g. every RUN. */
export const stepsOf = (stage: Stage, op: string) => stage.steps.filter((s) => s.op === op).map((s) => s.args);

/** `ARG NAME="default"` (or `ARG NAME=default`) of the stage as an object; an ARG without a default is ''. */
export function argsOf(stage: Stage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const a of stepsOf(stage, 'ARG')) {
    const m = /^(\w+)(?:=("[^"]*"|\S*))?$/.exec(a);
    if (m) out[m[1]!] = (m[2] ?? '').replace(/^"|"$/g, '');
  }
  return out;
}

/** Debian package names in the stage's `apt-get install` commands, with the stage's ARG defaults put in. */
export function aptPackages(stage: Stage): string[] {
  const args = argsOf(stage);
  const expand = (cmd: string) =>
    cmd.replace(/\$\{(\w+)\}|\$(\w+)/g, (_, a: string | undefined, b: string | undefined) => args[(a ?? b)!] ?? '');
  return stepsOf(stage, 'RUN').flatMap((cmd) =>
    [...expand(cmd).matchAll(/apt-get install ([^&;|]+)/g)].flatMap((m) => m[1]!.split(' ').filter((w) => w && !w.startsWith('-'))),
  );
}

/** A systemd unit as section → key → every value given (keys such as Environment repeat). */
export function parseUnit(text: string): Record<string, Record<string, string[]>> {
  const out: Record<string, Record<string, string[]>> = {};
  let section = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith(';')) continue;
    const head = /^\[(.+)\]$/.exec(line);
    if (head) {
      section = head[1]!;
      out[section] ??= {};
      continue;
    }
    const eq = line.indexOf('=');
    if (eq === -1) continue;
    ((out[section] ??= {})[line.slice(0, eq).trim()] ??= []).push(line.slice(eq + 1).trim());
  }
  return out;
}

/** `KEY=value` lines (an EnvironmentFile, or the values of Environment=) as an object. */
export function parseEnvLines(lines: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of lines) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (eq > 0) out[line.slice(0, eq)] = line.slice(eq + 1).replace(/^"(.*)"$/, '$1');
  }
  return out;
}

/** systemd time spans as used in our unit: `15s`, `1min`, `500ms`, or bare seconds. */
export function seconds(span: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|min)?$/.exec(span.trim());
  if (!m) throw new Error(`unsupported time span ${span}`);
  const n = Number(m[1]);
  return m[2] === 'ms' ? n / 1000 : m[2] === 'min' ? n * 60 : n;
}
