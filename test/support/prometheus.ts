/**
 * A strict parser of Prometheus' text exposition format 0.0.4, for tests. The npm parser that
 * installs here (parse-prometheus-text-format 1.1.1) accepted unclosed quotes, non-numeric values
 * and duplicate TYPE lines, so it could not tell a broken /metrics from a good one.
 * Rules checked: metric and label names, label-value escapes (\\ \" \n only), float values
 * (NaN, ±Inf), optional integer timestamps, HELP/TYPE at most once and before the family's
 * samples, known types, each family's lines in one group, no duplicate series, final newline.
 */

export interface Family {
  name: string;
  type: 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';
  help: string | null;
  samples: { name: string; labels: Record<string, string>; value: number }[];
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*/;
const FLOAT = /^[+-]?(?:NaN|Inf|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)$/;
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);

/** The family a sample belongs to: histogram/summary samples carry suffixes. */
function familyOf(sample: string, families: Map<string, Family>): string {
  for (const suffix of ['_bucket', '_sum', '_count']) {
    if (!sample.endsWith(suffix)) continue;
    const base = sample.slice(0, -suffix.length);
    const f = families.get(base);
    if (f && (f.type === 'histogram' || f.type === 'summary')) return base;
  }
  return sample;
}

function unescapeValue(s: string, allowQuote: boolean, line: number): string {
  return s.replace(/\\(.?)/g, (_, c: string) => {
    if (c === '\\') return '\\';
    if (c === 'n') return '\n';
    if (c === '"' && allowQuote) return '"';
    throw new Error(`line ${line}: invalid escape \\${c}`);
  });
}

/** Parses `text`; throws with the line number on the first violation. */
export function parsePrometheus(text: string): Map<string, Family> {
  if (text.length > 0 && !text.endsWith('\n')) throw new Error('the last line must end with a newline');
  const families = new Map<string, Family>();
  const sampled = new Set<string>();
  const typed = new Set<string>();
  const closed = new Set<string>();
  const series = new Set<string>();
  let current: string | null = null;
  const enter = (name: string) => {
    if (current !== name) {
      if (closed.has(name)) throw new Error(`metric ${name} appears in two separate groups`);
      if (current) closed.add(current);
      current = name;
    }
  };
  const family = (name: string): Family => {
    let f = families.get(name);
    if (!f) families.set(name, (f = { name, type: 'untyped', help: null, samples: [] }));
    return f;
  };

  const lines = text.split('\n').slice(0, -1);
  lines.forEach((raw, i) => {
    const n = i + 1;
    if (raw.trim() === '') return;
    if (raw.startsWith('#')) {
      const m = /^#\s+(HELP|TYPE)\s+(\S+)(?:\s(.*))?$/.exec(raw);
      if (!m) return; // a plain comment
      const [, kind, name, rest = ''] = m as unknown as [string, string, string, string];
      if (!NAME.test(name) || NAME.exec(name)![0] !== name) throw new Error(`line ${n}: invalid metric name ${name}`);
      enter(name);
      const f = family(name);
      if (kind === 'HELP') {
        if (f.help !== null) throw new Error(`line ${n}: second HELP for ${name}`);
        f.help = unescapeValue(rest, false, n);
      } else {
        if (sampled.has(name)) throw new Error(`line ${n}: TYPE for ${name} after its samples`);
        if (typed.has(name)) throw new Error(`line ${n}: second TYPE for ${name}`);
        if (!TYPES.has(rest.trim())) throw new Error(`line ${n}: unknown type '${rest}'`);
        f.type = rest.trim() as Family['type'];
        typed.add(name);
      }
      return;
    }
    let rest = raw;
    const name = NAME.exec(rest)?.[0];
    if (!name) throw new Error(`line ${n}: a sample must start with a metric name`);
    rest = rest.slice(name.length);
    const labels: Record<string, string> = {};
    if (rest.startsWith('{')) {
      rest = rest.slice(1);
      while (!rest.startsWith('}')) {
        const label = LABEL.exec(rest)?.[0];
        if (!label) throw new Error(`line ${n}: invalid label name at '${rest.slice(0, 10)}'`);
        rest = rest.slice(label.length);
        if (!rest.startsWith('="')) throw new Error(`line ${n}: expected =" after label ${label}`);
        rest = rest.slice(2);
        const end = /^((?:[^"\\]|\\.)*)"/.exec(rest);
        if (!end) throw new Error(`line ${n}: unterminated value of label ${label}`);
        if (label in labels) throw new Error(`line ${n}: duplicate label ${label}`);
        labels[label] = unescapeValue(end[1]!, true, n);
        rest = rest.slice(end[0].length);
        if (rest.startsWith(',')) rest = rest.slice(1);
        else if (!rest.startsWith('}')) throw new Error(`line ${n}: expected , or } after label ${label}`);
      }
      rest = rest.slice(1);
    }
    const parts = rest.split(' ');
    if (parts[0] !== '' || parts.length < 2 || parts.length > 3)
      throw new Error(`line ${n}: expected ' value [timestamp]' after the name and labels`);
    if (!FLOAT.test(parts[1]!)) throw new Error(`line ${n}: invalid value '${parts[1]}'`);
    if (parts[2] !== undefined && !/^-?\d+$/.test(parts[2])) throw new Error(`line ${n}: invalid timestamp '${parts[2]}'`);
    const fam = familyOf(name, families);
    enter(fam);
    const key = `${name}{${Object.entries(labels)
      .sort()
      .map(([k, v]) => `${k}=${v}`)
      .join(',')}}`;
    if (series.has(key)) throw new Error(`line ${n}: duplicate series ${key}`);
    series.add(key);
    sampled.add(fam);
    const v = parts[1]!.replace(/Inf$/, 'Infinity');
    family(fam).samples.push({ name, labels, value: Number(v) });
  });
  return families;
}
