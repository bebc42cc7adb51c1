/**
 * MemoryGovernor as pure logic: a scripted sampler (the test sets the usage), recording actions,
 * a manual clock. No timers, no sleeps: each `tick()` is one round.
 */
import { describe, expect, test } from 'bun:test';
import { Logger } from '../src/log';
import { type GovernorOptions, MemoryGovernor } from '../src/memory/governor';
import type { GovernedSession, MemorySample } from '../src/memory/types';

const LIMIT = 300;

function world(opts: Partial<GovernorOptions> = {}) {
  const w = {
    /** Usage in percent of LIMIT the next samples report. */
    percent: 50,
    heapMb: 20,
    browsers: { a: 0.6, b: 0.4 } as Record<string, number>, // share of the browsers' part
    limits: {} as Record<string, number>,
    clock: 1_000_000,
    samples: 0,
    calls: [] as string[],
    exits: [] as number[],
    lines: [] as Record<string, unknown>[],
    /** When set, samples carry estimated processes and an exact measurement reports this percent. */
    measured: null as number | null,
    measures: 0,
    /** What a recycle does to the usage (the restarted browser is smaller). */
    onRecycle: (_s: string) => {},
  };
  const sample = (exact = false): MemorySample => {
    w.samples++;
    const percent = exact && w.measured !== null ? w.measured : w.percent;
    const total = (percent / 100) * LIMIT;
    const service = 40;
    const browsers = Object.entries(w.browsers).map(([session, share], i) => ({
      session,
      pid: 100 + i,
      processes: 10,
      privateMb: Math.round((total - service) * share * 10) / 10,
      pssMb: 0,
      ...(w.measured !== null && !exact ? { estimated: 1 } : {}),
    }));
    return {
      at: w.clock,
      service: { rssMb: 60, privateMb: service, heapMb: w.heapMb, heapCapacityMb: w.heapMb + 5 },
      browsers,
      totalMb: total,
      limitMb: LIMIT,
      percent,
      cgroup: null,
      notes: [],
    };
  };
  const relieve = (session: string) => async (level: 'cleanup' | 'aggressive') => {
    w.calls.push(`${level === 'cleanup' ? 'cleanupPage' : 'aggressivePage'}(${session})`);
    return level === 'cleanup' ? {} : { trim: { removed: 3 } };
  };
  const sessions = (): GovernedSession[] =>
    Object.keys(w.browsers).map((s) => ({ session: s, relieve: relieve(s), memoryLimitMb: w.limits[s] ?? null }));
  const governor = new MemoryGovernor(
    { enabled: true, maxHeapMb: 256, gcIntervalMs: 0, ...opts },
    {
      sample: () => sample(),
      measure: async () => {
        w.measures++;
        return sample(true);
      },
      sessions,
      gc: (full) => {
        w.calls.push(`gc(${full})`);
      },
      recycle: async (s) => {
        w.calls.push(`recycle(${s})`);
        w.onRecycle(s);
      },
      exit: (code) => {
        w.exits.push(code);
      },
      clock: { now: () => w.clock, setTimeout: () => ({}), clearTimeout: () => {} },
      log: new Logger({ level: 'debug', format: 'JSON', write: (l) => w.lines.push(JSON.parse(l)) }),
    },
  );
  const steps = () =>
    governor
      .recent()
      .reverse()
      .map((a) => a.step);
  return {
    w,
    governor,
    steps,
    advance: (ms: number) => {
      w.clock += ms;
    },
  };
}

describe('MemoryGovernor: threshold steps', () => {
  test('a jump to 125 % escalates one step per round: cleanup → warning → aggressive → recycle, then exit', async () => {
    const { w, governor, steps, advance } = world();
    w.percent = 125;
    for (let i = 0; i < 4; i++) {
      await governor.tick();
      advance(5_000);
    }
    expect(steps()).toEqual(['cleanup', 'warning', 'aggressive', 'recycle']);
    expect(w.calls).toEqual([
      'gc(false)',
      'cleanupPage(a)',
      'cleanupPage(b)',
      'gc(true)',
      'aggressivePage(a)',
      'aggressivePage(b)',
      'recycle(a)',
    ]);
    expect(governor.recent()[0]).toMatchObject({ step: 'recycle', session: 'a', before_mb: 375, after_mb: 375 });

    // Still above 120 % within the recycle's cooldown: nothing; after it: exit(1), once (before
    // the periodic cleanup that is also due again).
    await governor.tick();
    expect(w.exits).toEqual([]);
    advance(180_000);
    await governor.tick();
    await governor.tick();
    expect(w.exits).toEqual([1]);
    expect(steps()).toEqual(['cleanup', 'warning', 'aggressive', 'recycle', 'exit']);
    expect(await governor.tick()).toBeNull();
  });

  test('each action is logged with the megabytes before and after, and /health gets the last one', async () => {
    const { w, governor } = world();
    w.percent = 92;
    w.onRecycle = () => {};
    await governor.tick();
    const line = w.lines.find((l) => l.msg === 'memory governor: cleanup')!;
    expect(line).toMatchObject({ level: 'info', step: 'cleanup', before_mb: 276, after_mb: 276, freed_mb: 0, limit_mb: LIMIT });
    await governor.tick();
    const warning = w.lines.find((l) => l.msg === 'memory governor: warning')!;
    expect(warning).toMatchObject({
      level: 'warn',
      before_mb: 276,
      after_mb: 276,
      detail: { service_mb: 40, heap_mb: 20, percent: 92, browsers: { a: { private_mb: 141.6, processes: 10 } } },
    });
    expect(governor.lastAction()).toEqual({ step: 'warning', at: new Date(w.clock).toISOString(), before_mb: 276, after_mb: 276 });
  });

  test('a recycle that brings usage down cancels the exit', async () => {
    const { w, governor, steps, advance } = world();
    w.percent = 121;
    w.onRecycle = () => {
      w.percent = 60;
    };
    for (let i = 0; i < 4; i++) {
      await governor.tick();
      advance(5_000);
    }
    expect(steps()).toEqual(['cleanup', 'warning', 'aggressive', 'recycle']);
    expect(governor.recent()[0]).toMatchObject({ before_mb: 363, after_mb: 180 });
    advance(600_000);
    await governor.tick();
    expect(w.exits).toEqual([]);
  });

  test('hysteresis: the warning fires once while usage hovers around 80 %; it re-arms only below 75 %', async () => {
    const { w, governor, steps, advance } = world();
    for (const pct of [82, 79, 83, 76, 81, 78, 84]) {
      w.percent = pct;
      await governor.tick();
      advance(120_000); // well past every cooldown: only hysteresis holds the warning back
    }
    // Cleanup is periodic (every round here is past its cooldown and ≥ 70 %); the warning's first
    // run in its crossing (83 %) goes before that round's repeat of cleanup.
    expect(steps()).toEqual(['cleanup', 'cleanup', 'warning', 'cleanup', 'cleanup', 'cleanup', 'cleanup']);
    w.percent = 74;
    await governor.tick(); // re-arms the warning (and, ≥ 70 %, repeats cleanup)
    advance(10_000);
    w.percent = 81;
    await governor.tick();
    expect(steps().slice(-2)).toEqual(['cleanup', 'warning']);
  });

  test('usage parked at 75 %: cleanup repeats exactly once per cooldown, never more, never a warning', async () => {
    const { w, governor, steps, advance } = world();
    w.percent = 75;
    const start = w.clock;
    for (let i = 0; i < 120; i++) {
      await governor.tick();
      advance(5_000);
    } // 10 minutes of 5 s samples
    expect(steps()).toEqual(Array(10).fill('cleanup'));
    const at = governor
      .recent()
      .reverse()
      .map((a) => Date.parse(a.at) - start);
    expect(at).toEqual(Array.from({ length: 10 }, (_, i) => i * 60_000));
    expect(w.calls.filter((c) => c.startsWith('cleanupPage(a)'))).toHaveLength(10);
    expect(
      w.lines
        .filter((l) => l.msg === 'memory governor: cleanup')
        .every((l) => typeof l.before_mb === 'number' && typeof l.after_mb === 'number'),
    ).toBe(true);
    // Below 70 % it stops at once.
    w.percent = 69;
    advance(600_000);
    for (let i = 0; i < 12; i++) {
      await governor.tick();
      advance(5_000);
    }
    expect(steps()).toHaveLength(10);
  });

  test('cooldown: a re-armed step waits for its cooldown; a higher step that is due goes first', async () => {
    const { w, governor, steps, advance } = world();
    w.percent = 72;
    await governor.tick(); // cleanup at t=0
    w.percent = 60;
    advance(10_000);
    await governor.tick(); // re-armed, but cooling down until t=60 s
    w.percent = 85;
    advance(10_000);
    await governor.tick(); // t=20 s: cleanup is cooling, warning is due
    advance(10_000);
    await governor.tick(); // t=30 s: nothing due (aggressive needs 90 %)
    expect(steps()).toEqual(['cleanup', 'warning']);
    advance(30_000);
    await governor.tick(); // t=60 s: cleanup's cooldown is over
    expect(steps()).toEqual(['cleanup', 'warning', 'cleanup']);
  });

  test('a sample with estimated processes is confirmed by an exact measurement before acting', async () => {
    const { w, governor, steps } = world();
    w.percent = 95; // raw counters of a just-started browser over-count
    w.measured = 60;
    await governor.tick();
    expect(w.measures).toBe(1);
    expect(steps()).toEqual([]);
    w.measured = 75;
    await governor.tick();
    expect(steps()).toEqual(['cleanup']);
    expect(governor.recent()[0]).toMatchObject({ before_mb: 225, after_mb: 225 }); // both exact
  });

  test('MEMORY_GOVERNOR=false samples but never acts', async () => {
    const { w, governor, advance } = world({ enabled: false, gcIntervalMs: 1_000 });
    w.percent = 200;
    w.heapMb = 900;
    w.limits = { a: 1 };
    for (let i = 0; i < 10; i++) {
      await governor.tick();
      advance(600_000);
    }
    expect(w.samples).toBe(10);
    expect(w.calls).toEqual([]);
    expect(w.exits).toEqual([]);
    expect(governor.recent()).toEqual([]);
    expect(governor.lastAction()).toBeNull();
  });
});

describe('MemoryGovernor: budgets, heap, periodic GC', () => {
  test('a session over its memoryLimitMb is recycled alone, once until it falls back under', async () => {
    const { w, governor, advance } = world();
    w.percent = 50; // 150 MB total: a = 66 MB, b = 44 MB
    w.limits = { a: 60 };
    await governor.tick();
    expect(w.calls).toEqual(['recycle(a)']);
    expect(governor.recent()[0]).toMatchObject({ step: 'budget', session: 'a', detail: { limit_mb: 60, browser_mb: 66 } });
    advance(600_000);
    await governor.tick(); // still over (the fake recycle freed nothing): no loop
    expect(w.calls).toEqual(['recycle(a)']);
    w.percent = 40; // a = 48 MB < 60 × 0.95: re-armed
    await governor.tick();
    w.percent = 50;
    await governor.tick();
    expect(w.calls).toEqual(['recycle(a)', 'recycle(a)']);
    advance(10_000);
    w.percent = 40;
    await governor.tick();
    w.percent = 50;
    await governor.tick(); // re-armed but within the 180 s cooldown
    expect(w.calls).toEqual(['recycle(a)', 'recycle(a)']);
  });

  test('a Bun heap over MAX_HEAP_SIZE_MB gets a full collection, within its cooldown once', async () => {
    const { w, governor, steps, advance } = world();
    w.heapMb = 300;
    await governor.tick();
    advance(10_000);
    await governor.tick();
    expect(w.calls).toEqual(['gc(true)']);
    expect(w.lines.find((l) => l.msg?.toString().includes('still above MAX_HEAP_SIZE_MB'))).toBeDefined();
    advance(30_000);
    await governor.tick();
    expect(steps()).toEqual(['heap', 'heap']);
  });

  test('periodic GC every GC_INTERVAL_MS only when the heap grew since the last one', async () => {
    const { w, governor, steps, advance } = world({ gcIntervalMs: 15_000 });
    w.heapMb = 20;
    await governor.tick(); // interval not reached
    advance(15_000);
    await governor.tick(); // grew from 0 (start): collect
    advance(15_000);
    await governor.tick(); // same heap: no
    w.heapMb = 20.5;
    advance(15_000);
    await governor.tick(); // grew by less than 1 MB: no
    w.heapMb = 25;
    await governor.tick();
    expect(steps()).toEqual(['gc', 'gc']);
    expect(w.calls).toEqual(['gc(false)', 'gc(false)']);
    expect(governor.lastAction()).toBeNull(); // periodic collections do not hide the last step
  });

  test('a failing recycle is recorded with its error, never thrown', async () => {
    const { w, governor } = world();
    w.limits = { b: 10 };
    w.onRecycle = () => {
      throw new Error('restart failed');
    };
    await governor.tick();
    expect(governor.recent()[0]).toMatchObject({ step: 'budget', session: 'b', detail: { error: 'restart failed' } });
  });
});
