/**
 * deploy/cluster: three nodes on one PostgreSQL behind a load balancer. Docker cannot run here,
 * so the files are checked for what the cluster needs: distinct worker ids, each node reachable
 * at its WORKER_URL, one database for all, every variable one wabun reads, the lease defaults,
 * a stop grace period that outlasts the hand-over, a balancer over exactly the three nodes, and
 * one S3-compatible bucket (MinIO) for the login profiles, made before any node starts.
 */
import { describe, expect, test } from 'bun:test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseConfig, VARIABLES } from '../src/config';
import { composeSeconds } from './e2e/container/run';

const ROOT = join(import.meta.dir, '..');
const read = (p: string) => readFileSync(join(ROOT, p), 'utf8');
type Service = {
  build?: string;
  image?: string;
  command?: string[];
  environment?: Record<string, string>;
  volumes?: string[];
  stop_grace_period?: string;
  depends_on?: unknown;
};
const compose = Bun.YAML.parse(read('deploy/cluster/docker-compose.yml')) as { services: Record<string, Service> };
const KNOWN = new Set<string>(VARIABLES.flatMap((v) => [...v.names]));
const nodes = Object.entries(compose.services).filter(([, s]) => s.environment?.WAHA_WORKER_ID);

describe('deploy/cluster/docker-compose.yml', () => {
  test('three wabun nodes built from this repository, each with its own worker id, URL and data volume', () => {
    expect(nodes.map(([name]) => name)).toEqual(['node-a', 'node-b', 'node-c']);
    for (const [name, s] of nodes) {
      expect(s.build).toBe('../..');
      expect(s.environment!.WAHA_WORKER_ID).toBe(name);
      expect(s.environment!.WORKER_URL).toBe(`http://${name}:3000`);
      expect(s.volumes).toEqual([`${name}-data:/data`]);
    }
  });

  test('one PostgreSQL for all, and variables wabun reads that parse, with the lease defaults', () => {
    const urls = new Set(nodes.map(([, s]) => s.environment!.WHATSAPP_SESSIONS_POSTGRESQL_URL));
    expect(urls.size).toBe(1);
    expect([...urls][0]).toContain('@postgres:5432/');
    expect(compose.services.postgres?.image).toMatch(/^postgres:/);
    for (const [, s] of nodes) {
      for (const name of Object.keys(s.environment!)) expect(KNOWN.has(name), `unknown variable ${name}`).toBe(true);
      const env = { ...s.environment!, WAHA_API_KEY: 'k', WHATSAPP_SESSIONS_POSTGRESQL_URL: 'postgres://u:p@postgres:5432/wabun' };
      const c = parseConfig(env);
      const def = (n: string) => Number(VARIABLES.find((v) => v.names[0] === n)!.default);
      expect([c.LEASE_TTL_MS, c.LEASE_RENEW_MS, c.LEASE_CLAIM_MS]).toEqual([
        def('LEASE_TTL_MS'),
        def('LEASE_RENEW_MS'),
        def('LEASE_CLAIM_MS'),
      ]);
      // The hand-over (browsers closed, logins saved, leases released) fits in the grace period.
      expect(composeSeconds(s.stop_grace_period!)).toBeGreaterThan(c.DESTROY_TIMEOUT_MS / 1000 + 5);
    }
  });

  test("one S3-compatible bucket for the login profiles: MinIO pinned, the bucket made before the nodes start, WAHA's variables", () => {
    const minio = compose.services.minio!;
    expect(minio.image).toMatch(/^quay\.io\/minio\/minio:RELEASE\.\d{4}-/);
    const init = compose.services['minio-init']!;
    expect(init.image).toMatch(/^quay\.io\/minio\/mc:RELEASE\.\d{4}-/);
    expect(init.depends_on).toEqual({ minio: { condition: 'service_healthy' } });
    const script = init.command!.join('\n');
    for (const [, s] of nodes) {
      const e = s.environment!;
      expect(s.depends_on).toMatchObject({ 'minio-init': { condition: 'service_completed_successfully' } });
      expect([e.WAHA_S3_ENDPOINT, e.WAHA_S3_FORCE_PATH_STYLE]).toEqual(['http://minio:9000', 'true']);
      expect(script).toContain(`mc mb --ignore-existing local/${e.WAHA_S3_BUCKET}`);
      expect(script).toContain(`mc admin user add local ${e.WAHA_S3_ACCESS_KEY_ID} "$$S3_SECRET"`);
      expect(e.WAHA_S3_SECRET_ACCESS_KEY).toStartWith('${S3_SECRET:?');
      expect(parseConfig({ ...e, WHATSAPP_SESSIONS_POSTGRESQL_URL: 'postgres://u:p@postgres:5432/wabun' }).WAHA_S3_BUCKET).toBe(
        'wabun-profiles',
      );
    }
  });

  test('one load balancer over exactly the three nodes, WebSocket upgrades passed on', () => {
    const lb = compose.services.balancer!;
    expect(lb.volumes).toContain('./nginx.conf:/etc/nginx/nginx.conf:ro');
    const conf = read('deploy/cluster/nginx.conf');
    const upstream = [...conf.matchAll(/^\s*server (\S+?):3000/gm)].map((m) => m[1]);
    expect(upstream).toEqual(['node-a', 'node-b', 'node-c']);
    expect(conf).toContain('proxy_set_header Upgrade $http_upgrade');
  });
});
