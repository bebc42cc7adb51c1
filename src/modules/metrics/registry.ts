/**
 * A small metrics registry: counters and gauges with labels, rendered in Prometheus' text
 * exposition format 0.0.4 (HELP and TYPE lines, label values escaped). No Elysia here.
 */

/** The Content-Type of the text format. */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

type Labels<L extends string> = { [K in L]: string | number };

/** `\` → `\\`, `"` → `\"`, newline → `\n`: the label-value escapes of the format. */
export const escapeLabelValue = (v: string) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
/** HELP text escapes only backslash and newline. */
const escapeHelp = (v: string) => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');

function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}

abstract class Metric<L extends string> {
  protected readonly series = new Map<string, { labels: Labels<L>; value: number }>();

  constructor(
    readonly name: string,
    readonly help: string,
    readonly labelNames: readonly L[],
  ) {
    if (!METRIC_NAME.test(name)) throw new Error(`Invalid metric name '${name}'`);
    for (const l of labelNames) if (!LABEL_NAME.test(l) || l.startsWith('__')) throw new Error(`Invalid label name '${l}' on ${name}`);
  }

  abstract readonly type: 'counter' | 'gauge';

  protected key(labels: Labels<L>): string {
    for (const l of this.labelNames) if (labels[l] === undefined) throw new Error(`Metric ${this.name} needs the label '${l}'`);
    return this.labelNames.map((l) => String(labels[l])).join('\u0000');
  }

  /** Current value of one series (0 when never touched). */
  get(labels = {} as Labels<L>): number {
    return this.series.get(this.key(labels))?.value ?? 0;
  }

  render(): string {
    const lines = [`# HELP ${this.name} ${escapeHelp(this.help)}`, `# TYPE ${this.name} ${this.type}`];
    for (const { labels, value } of this.series.values()) {
      const l = this.labelNames.map((n) => `${n}="${escapeLabelValue(String(labels[n]))}"`).join(',');
      lines.push(`${this.name}${l ? `{${l}}` : ''} ${formatValue(value)}`);
    }
    return lines.join('\n');
  }
}

/** Only goes up (reset when the process restarts). */
export class Counter<L extends string = never> extends Metric<L> {
  readonly type = 'counter' as const;

  inc(labels = {} as Labels<L>, by = 1): void {
    if (!(by >= 0)) throw new Error(`Counter ${this.name} can only increase (got ${by})`);
    const key = this.key(labels);
    const s = this.series.get(key);
    if (s) s.value += by;
    else this.series.set(key, { labels: { ...labels }, value: by });
  }
}

/** A value that is set; `clear()` drops every series (e.g. sessions that went away). */
export class Gauge<L extends string = never> extends Metric<L> {
  readonly type = 'gauge' as const;

  set(labels: Labels<L>, value: number): void {
    this.series.set(this.key(labels), { labels: { ...labels }, value });
  }

  clear(): void {
    this.series.clear();
  }
}

/** Holds the metrics of one service; `render()` is the body of GET /metrics. */
export class MetricsRegistry {
  private readonly metrics = new Map<string, Metric<string>>();

  counter<L extends string = never>(name: string, help: string, labelNames: readonly L[] = []): Counter<L> {
    return this.add(new Counter<L>(name, help, labelNames));
  }

  gauge<L extends string = never>(name: string, help: string, labelNames: readonly L[] = []): Gauge<L> {
    return this.add(new Gauge<L>(name, help, labelNames));
  }

  render(): string {
    return `${[...this.metrics.values()].map((m) => m.render()).join('\n')}\n`;
  }

  private add<M extends Metric<string>>(m: M): M {
    if (this.metrics.has(m.name)) throw new Error(`Metric ${m.name} is registered twice`);
    this.metrics.set(m.name, m);
    return m;
  }
}
