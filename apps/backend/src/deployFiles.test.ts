import dockerfilelint from 'dockerfilelint';
import fs from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { spawnSync } from 'node:child_process';

const root = path.resolve(__dirname, '../../..');

/** Validates a manifest with kubernetes-models (ES modules only, so in a plain node process). */
function validate(manifest: { apiVersion: string; kind: string }): string {
  const script = `
    const [group, version] = process.argv[1].includes('/') ? process.argv[1].split('/') : [undefined, process.argv[1]];
    const path = group ? 'kubernetes-models/' + group + '/' + version : 'kubernetes-models/' + version;
    const models = await import(path);
    const Kind = models[process.argv[2]];
    if (!Kind) { console.log('unknown kind'); process.exit(2); }
    try { new Kind(JSON.parse(process.argv[3])).validate(); console.log('valid'); }
    catch (e) { console.log(e.message); process.exit(1); }`;
  const run = spawnSync(
    process.execPath,
    ['--input-type=module', '-e', script, manifest.apiVersion, manifest.kind, JSON.stringify(manifest)],
    {
      cwd: __dirname,
      encoding: 'utf8',
    },
  );
  return run.stdout.trim() || run.stderr.trim();
}

describe('deployment files', () => {
  const dir = path.join(root, 'deploy/kubernetes');
  const manifests = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml')
    .flatMap((file) =>
      parseAllDocuments(fs.readFileSync(path.join(dir, file), 'utf8')).map((doc) => [file, doc.toJS()] as const),
    );

  it.each(manifests)('%s validates against the Kubernetes schema', (_file, manifest) => {
    expect(validate(manifest)).toBe('valid');
  });

  it('refuses an invalid manifest (the validation is real)', () => {
    expect(
      validate({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'x' },
        spec: { replicas: 'two' },
      } as never),
    ).not.toBe('valid');
  });

  it('matches the grace period to the shutdown settings and probes the health endpoints', () => {
    const deployment = manifests.find(([, m]) => m.kind === 'Deployment')![1];
    const pod = deployment.spec.template.spec;
    const config = manifests.find(
      ([, m]) => m.kind === 'ConfigMap' && m.metadata.name === 'trellis-backend-config',
    )![1];
    const lifecycle = /shutdownTimeoutMs: (\d+)/.exec(config.data['app-config.kubernetes.yaml'])!;
    expect(pod.terminationGracePeriodSeconds * 1000).toBeGreaterThan(Number(lifecycle[1]));
    const container = pod.containers[0];
    expect(container.readinessProbe.httpGet.path).toBe('/.trellis/health/v1/readiness');
    expect(container.livenessProbe.httpGet.path).toBe('/.trellis/health/v1/liveness');
    expect(
      container.env.find((e: { name: string }) => e.name === 'POSTGRES_PASSWORD').valueFrom.secretKeyRef,
    ).toBeDefined();
    expect(deployment.spec.replicas).toBe(2);
  });

  it('mounts the catalog ConfigMap where catalog.locations reads', () => {
    const deployment = manifests.find(([, m]) => m.kind === 'Deployment')![1];
    const pod = deployment.spec.template.spec;
    const config = manifests.find(([, m]) => m.metadata.name === 'trellis-backend-config')![1];
    const catalog = manifests.find(([, m]) => m.metadata.name === 'trellis-catalog')![1];
    const volume = pod.volumes.find((v: { configMap?: { name: string } }) => v.configMap?.name === 'trellis-catalog');
    const mount = pod.containers[0].volumeMounts.find((m: { name: string }) => m.name === volume.name);
    const target = /target: (\S+)/.exec(config.data['app-config.kubernetes.yaml'])![1];
    expect(target).toBe(`${mount.mountPath}/*.yaml`);
    const entities = parseAllDocuments(catalog.data['catalog-info.yaml']).map((d) => d.toJS());
    expect(entities.map((e) => `${e.kind}:${e.metadata.name}`)).toEqual([
      'Group:platform',
      'Component:trellis-backend',
    ]);
  });

  it('has a Dockerfile without lint findings', () => {
    const findings = dockerfilelint.run(
      path.join(root, 'apps/backend'),
      fs.readFileSync(path.join(root, 'apps/backend/Dockerfile'), 'utf8'),
    );
    expect(findings).toEqual([]);
  });
});
