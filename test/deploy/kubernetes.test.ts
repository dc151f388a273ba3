import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { settingsProblems } from '../../src/core/config/settings.js';
import { resolvePaths } from '../../src/shared/paths.js';
import { ROOT } from '../helpers/cli.js';
import { envOf, lastOf, parseDockerfile, type Stage } from './helpers/dockerfile.js';
import { type K8sObject, readDocuments, renderBase, unknownFields, validateObject } from './helpers/kustomize.js';
import { mcpctlReads } from './helpers/mcpctlEnv.js';

/**
 * deploy/kubernetes/ without a cluster: the base rendered as kustomize would, every object (and
 * the Secret example) valid against the Kubernetes API schemas, and the pieces fitting mcpctl:
 * probes on the listener's health route, variables mcpctl reads, the image's user and home.
 * test/deploy/health.test.ts sends those probes to a real daemon.
 */
const BASE = join(ROOT, 'deploy/kubernetes');
const objects = renderBase(BASE);
const secrets = readDocuments(join(BASE, 'secret.example.yaml'));
const image = parseDockerfile(readFileSync(join(ROOT, 'deploy/Dockerfile'), 'utf8')).stages.at(-1) as Stage;

interface Probe {
  httpGet: { path: string; port: string | number; scheme: string };
}
interface Container {
  name: string;
  args: string[];
  ports: Array<{ name: string; containerPort: number }>;
  env: Array<{
    name: string;
    value?: string;
    valueFrom?: { secretKeyRef?: { name: string; key: string }; fieldRef?: { fieldPath: string } };
  }>;
  startupProbe: Probe;
  readinessProbe: Probe;
  livenessProbe: Probe;
  resources: { requests: Record<string, string>; limits: Record<string, string> };
  securityContext: Record<string, unknown>;
  volumeMounts: Array<{ name: string; mountPath: string; subPath?: string; readOnly?: boolean }>;
}
interface PodSpec {
  securityContext: { runAsNonRoot: boolean; runAsUser: number; runAsGroup: number };
  containers: Container[];
  volumes: Array<{ name: string; configMap?: { name: string }; secret?: { secretName: string } }>;
}
interface Deployment extends K8sObject {
  spec: {
    replicas: number;
    selector: { matchLabels: Record<string, string> };
    template: { metadata: { labels: Record<string, string> }; spec: PodSpec };
  };
}

function one<T extends K8sObject>(kind: string, from: K8sObject[] = objects): T {
  const found = from.filter((object) => object.kind === kind);
  expect(found, kind).toHaveLength(1);
  return found[0] as T;
}

const deployment = one<Deployment>('Deployment');
const pod = deployment.spec.template.spec;
const container = pod.containers[0] as Container;

const probes = {
  startup: container.startupProbe,
  readiness: container.readinessProbe,
  liveness: container.livenessProbe,
};

describe('deploy/kubernetes: a kustomize base', () => {
  it('renders a Deployment, a Service, a PodDisruptionBudget and a ConfigMap, each valid against the API schema', async () => {
    expect(objects.map((object) => object.kind).sort()).toEqual([
      'ConfigMap',
      'Deployment',
      'PodDisruptionBudget',
      'Service',
    ]);
    for (const object of [...objects, ...secrets]) await validateObject(object);
  });

  it('has no field the API does not know (kubectl apply validates strictly), and a typo would be named', () => {
    // One TypeScript program for all: the rendered objects, the Secret example and one with a typo.
    const typo = structuredClone(deployment) as unknown as { spec: { template: { spec: { containers: object[] } } } };
    typo.spec.template.spec.containers[0] = { ...container, readinesProbe: container.readinessProbe };
    const problems = unknownFields([...objects, ...secrets, typo as unknown as K8sObject]);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^Deployment\/mcpctl: .*readinesProbe.* does not exist in type 'IContainer'/);
  });

  it('the validation is real: a wrong type or a missing required field fails', async () => {
    const broken = structuredClone(deployment) as unknown as { spec: { replicas: unknown; selector?: unknown } };
    broken.spec.replicas = 'two';
    await expect(validateObject(broken as unknown as K8sObject)).rejects.toThrow(/Deployment\/mcpctl:.*replicas/);
    delete broken.spec.selector;
    broken.spec.replicas = 2;
    await expect(validateObject(broken as unknown as K8sObject)).rejects.toThrow(/selector/);
  });

  it('selects the pods by the same labels in the Deployment, the Service and the PodDisruptionBudget', () => {
    const labels = deployment.spec.template.metadata.labels;
    expect(labels).toMatchObject(deployment.spec.selector.matchLabels);
    const service = one<
      K8sObject & { spec: { selector: Record<string, string>; ports: Array<{ targetPort: string }> } }
    >('Service');
    expect(labels).toMatchObject(service.spec.selector);
    expect(service.spec.ports.map((port) => port.targetPort)).toEqual(['https']);
    const pdb = one<K8sObject & { spec: { minAvailable: number; selector: { matchLabels: Record<string, string> } } }>(
      'PodDisruptionBudget',
    );
    expect(labels).toMatchObject(pdb.spec.selector.matchLabels);
    expect(pdb.spec.minAvailable).toBeLessThan(deployment.spec.replicas);
  });

  it('probes GET /v1/health over HTTPS on the port the daemon listens on (MCPCTL_LISTEN)', () => {
    const listen = container.env.find((entry) => entry.name === 'MCPCTL_LISTEN')?.value ?? '';
    const port = container.ports.find((entry) => entry.name === 'https');
    expect(String(port?.containerPort)).toBe(listen.split(':').at(-1));
    for (const [kind, probe] of Object.entries(probes)) {
      expect(probe.httpGet, kind).toEqual({ path: '/v1/health', port: 'https', scheme: 'HTTPS' });
    }
    expect(container.args).toEqual(['daemon', 'run']);
  });

  it('sets only variables mcpctl reads; the store URL and the master key come from the Secret', () => {
    const reads = mcpctlReads();
    // A pod field (its IP) may be set only to be spelled into an mcpctl variable as $(NAME).
    const spelled = container.env.flatMap((entry) =>
      [...(entry.value ?? '').matchAll(/\$\((\w+)\)/g)].map((m) => m[1]),
    );
    for (const entry of container.env) {
      const helper = entry.valueFrom?.fieldRef !== undefined && spelled.includes(entry.name);
      expect(reads.has(entry.name) || helper, entry.name).toBe(true);
    }
    const fromSecret = Object.fromEntries(
      container.env
        .filter((entry) => entry.valueFrom?.secretKeyRef)
        .map((entry) => [entry.name, entry.valueFrom?.secretKeyRef]),
    );
    expect(fromSecret).toEqual({
      MCPCTL_STORE_URL: { name: 'mcpctl', key: 'store-url' },
      MCPCTL_MASTER_KEY: { name: 'mcpctl', key: 'master-key' },
    });
    const secret = one<K8sObject & { stringData: Record<string, string> }>(
      'Secret',
      secrets.filter((s) => s.metadata.name === 'mcpctl'),
    );
    expect(Object.keys(secret.stringData).sort()).toEqual(['master-key', 'store-url']);
  });

  it('the Secret example holds no real value, and names the TLS Secret the pod mounts', () => {
    for (const secret of secrets) {
      for (const value of Object.values(secret.stringData as Record<string, string>))
        expect(value).toContain('CHANGE-ME');
      expect(secret.data, 'stringData only: nothing encoded to hide').toBeUndefined();
    }
    const tls = pod.volumes.find((volume) => volume.secret)?.secret?.secretName;
    expect(secrets.find((secret) => secret.metadata.name === tls)?.type).toBe('kubernetes.io/tls');
    const cert = container.env.find((entry) => entry.name === 'MCPCTL_TLS_CERT')?.value ?? '';
    const mount = container.volumeMounts.find((entry) => entry.name === 'tls')?.mountPath ?? '';
    expect(cert.startsWith(`${mount}/`)).toBe(true);
  });

  it('runs as the image user, not root, read-only root file system, with requests and limits', () => {
    const [uid, gid] = (lastOf(image, 'USER')?.text ?? '').split(':').map(Number);
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: uid, runAsGroup: gid });
    expect(container.securityContext).toMatchObject({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    });
    expect(Object.keys(container.resources.requests).sort()).toEqual(['cpu', 'memory']);
    expect(Object.keys(container.resources.limits).sort()).toEqual(['cpu', 'memory']);
  });

  it("writes only to volumes: the image's MCPCTL_HOME and /tmp; config.yaml where mcpctl reads it", () => {
    const home = envOf(image).MCPCTL_HOME ?? '';
    const mounts = Object.fromEntries(container.volumeMounts.map((mount) => [mount.mountPath, mount]));
    expect(mounts[home]?.readOnly).toBeUndefined();
    expect(mounts['/tmp']?.readOnly).toBeUndefined();
    const configFile = resolvePaths({ MCPCTL_HOME: home }).configFile;
    expect(mounts[configFile]).toMatchObject({ subPath: 'config.yaml', readOnly: true });
    const configVolume = pod.volumes.find((volume) => volume.name === mounts[configFile]?.name);
    const configMap = one<K8sObject & { data: Record<string, string> }>('ConfigMap');
    expect(configVolume?.configMap?.name).toBe(configMap.metadata.name);
  });

  it("the ConfigMap's config.yaml passes mcpctl's own settings schema", () => {
    const configMap = one<K8sObject & { data: Record<string, string> }>('ConfigMap');
    const settings = parse(configMap.data['config.yaml'] ?? '') as unknown;
    expect(settingsProblems(settings)).toEqual([]);
    expect(settingsProblems({ gateway: { allowedHosts: ['no spaces allowed'] } })).not.toEqual([]);
  });
});
