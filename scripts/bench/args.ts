/** Command-line options of the benchmarks: `--name value`. */
const args = process.argv.slice(2);

export function arg(name: string, fallback: string): string {
  const i = args.indexOf(`--${name}`);
  return i === -1 ? fallback : args[i + 1]!;
}

/** The PostgreSQL server a cluster benchmark runs on: `--postgres <url>` or WABUN_TEST_POSTGRES_URL; exits 2 without one. */
export function postgresServer(): string {
  const url = arg('postgres', process.env.WABUN_TEST_POSTGRES_URL ?? '');
  if (!url) {
    console.error('give --postgres <url> (or WABUN_TEST_POSTGRES_URL)');
    process.exit(2);
  }
  return url;
}
