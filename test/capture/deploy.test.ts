/**
 * The deploy/ manifests, checked without a cluster (none runs here): they parse as YAML, carry the
 * schema essentials of their kinds, and the security context is exactly what docs/deploy.md
 * promises. A cluster would reject more (admission, quotas); this pins what we decided.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { parseArgs } from '../../server/src/cli/args';

const DEPLOY = join(__dirname, '..', '..', 'deploy');

type Obj = Record<string, unknown>;
const obj = (v: unknown, what: string): Obj => {
  assert.ok(v !== null && typeof v === 'object' && !Array.isArray(v), `${what} is a mapping`);
  return v as Obj;
};
const list = (v: unknown, what: string): unknown[] => {
  assert.ok(Array.isArray(v), `${what} is a list`);
  return v;
};

function load(file: string): Obj[] {
  const docs = parseAllDocuments(readFileSync(join(DEPLOY, file), 'utf8'));
  assert.ok(Array.isArray(docs), `${file} parses`);
  return docs.map((d, i) => {
    assert.deepEqual(d.errors, [], `${file} document ${i + 1}`);
    return obj(d.toJS(), `${file} document ${i + 1}`);
  });
}

const API: Readonly<Record<string, string>> = { Namespace: 'v1', ServiceAccount: 'v1', DaemonSet: 'apps/v1', Job: 'batch/v1' };

/** What both workloads must have in their pod template. */
function checkPod(template: Obj, what: string, expectedNs: string): { args: string[] } {
  const spec = obj(template['spec'], `${what} pod spec`);
  assert.equal(spec['hostNetwork'], true, `${what}: hostNetwork (the node's network namespace is what is captured)`);
  assert.equal(spec['hostPID'], false, `${what}: hostPID is not needed`);
  assert.equal(spec['serviceAccountName'], 'kube-netlint-collector');
  assert.equal(spec['automountServiceAccountToken'], false);
  const tolerations = list(spec['tolerations'], `${what} tolerations`).map((t) => obj(t, 'toleration'));
  assert.ok(tolerations.some((t) => t['operator'] === 'Exists' && t['key'] === undefined && t['effect'] === undefined), `${what}: tolerates every taint`);
  const containers = list(spec['containers'], `${what} containers`).map((c) => obj(c, 'container'));
  assert.equal(containers.length, 1);
  const c = containers[0]!;
  const sc = obj(c['securityContext'], `${what} securityContext`);
  assert.equal(sc['privileged'], false);
  assert.equal(sc['allowPrivilegeEscalation'], false);
  assert.equal(sc['readOnlyRootFilesystem'], true);
  assert.equal(sc['runAsNonRoot'], false);
  assert.equal(sc['runAsUser'], 0);
  const caps = obj(sc['capabilities'], 'capabilities');
  assert.deepEqual(caps['drop'], ['ALL']);
  assert.deepEqual([...list(caps['add'], 'add')].sort(), ['NET_ADMIN', 'NET_RAW'], 'exactly NET_ADMIN and NET_RAW');
  const limits = obj(obj(c['resources'], 'resources')['limits'], 'limits');
  assert.ok(typeof limits['cpu'] === 'string' && typeof limits['memory'] === 'string', `${what}: cpu and memory limits`);
  // --out lives on an emptyDir, mounted where the command writes.
  const volumes = new Map(list(spec['volumes'], 'volumes').map((v) => [obj(v, 'volume')['name'], obj(v, 'volume')]));
  const mounts = list(c['volumeMounts'], 'volumeMounts').map((m) => obj(m, 'mount'));
  const argv = [...list(c['command'] ?? [], 'command'), ...list(c['args'] ?? [], 'args')].map(String);
  const words = argv.length === 3 && argv[0] === '/bin/sh' ? argv[2]!.split(';')[0]!.trim().split(/\s+/) : argv;
  assert.equal(words[0], 'kube-netlint');
  const parsed = parseArgs(words.slice(1));
  assert.equal(parsed.command, 'collect', `${what}: ${words.join(' ')}`);
  if (parsed.command !== 'collect') return { args: words };
  assert.equal(parsed.args.check, true, `${what}: collect --check`);
  const out = parsed.args.out!;
  const mount = mounts.find((m) => out.startsWith(`${String(m['mountPath'])}/`));
  assert.ok(mount, `${what}: --out ${out} is on a mounted volume`);
  assert.ok(volumes.get(mount['name'])?.['emptyDir'] !== undefined, `${what}: --out is an emptyDir`);
  for (const m of mounts) assert.ok(volumes.has(m['name']), `${what}: volume ${String(m['name'])} exists`);
  assert.equal(expectedNs, 'kube-netlint');
  return { args: words };
}

describe('deploy/ manifests (validated without a cluster)', () => {
  it('namespace.yaml: a privileged-labelled namespace and a service account without API access', () => {
    const [ns, sa] = load('namespace.yaml');
    assert.equal(ns!['apiVersion'], API['Namespace']);
    assert.equal(ns!['kind'], 'Namespace');
    const labels = obj(obj(ns!['metadata'], 'metadata')['labels'], 'labels');
    assert.equal(labels['pod-security.kubernetes.io/enforce'], 'privileged');
    assert.equal(sa!['kind'], 'ServiceAccount');
    assert.equal(sa!['automountServiceAccountToken'], false);
  });

  it('daemonset.yaml: every node, selector matching the template, minimal security context', () => {
    const docs = load('daemonset.yaml');
    assert.equal(docs.length, 1);
    const ds = docs[0]!;
    assert.equal(ds['apiVersion'], API['DaemonSet']);
    assert.equal(ds['kind'], 'DaemonSet');
    const meta = obj(ds['metadata'], 'metadata');
    assert.equal(meta['namespace'], 'kube-netlint');
    const spec = obj(ds['spec'], 'spec');
    const selector = obj(obj(spec['selector'], 'selector')['matchLabels'], 'matchLabels');
    const template = obj(spec['template'], 'template');
    const labels = obj(obj(template['metadata'], 'template metadata')['labels'], 'template labels');
    assert.ok(Object.keys(selector).length > 0);
    for (const [k, v] of Object.entries(selector)) assert.equal(labels[k], v, `selector ${k} matches the template`);
    checkPod(template, 'DaemonSet', String(meta['namespace']));
  });

  it('job.yaml: the one-node variant, never restarted', () => {
    const docs = load('job.yaml');
    assert.equal(docs.length, 1);
    const job = docs[0]!;
    assert.equal(job['apiVersion'], API['Job']);
    assert.equal(job['kind'], 'Job');
    const meta = obj(job['metadata'], 'metadata');
    const spec = obj(job['spec'], 'spec');
    assert.equal(spec['backoffLimit'], 0);
    const template = obj(spec['template'], 'template');
    assert.equal(obj(template['spec'], 'pod spec')['restartPolicy'], 'Never');
    assert.equal(spec['selector'], undefined, 'a Job generates its selector');
    checkPod(template, 'Job', String(meta['namespace']));
  });

  it('Dockerfile: Debian slim with Node 20, the tools collect runs, and the bundled CLI', () => {
    const text = readFileSync(join(DEPLOY, 'Dockerfile'), 'utf8');
    assert.match(text, /^FROM node:20-bookworm-slim$/m);
    for (const pkg of ['iptables', 'nftables', 'conntrack', 'ipvsadm', 'ethtool', 'iproute2']) assert.match(text, new RegExp(`apt-get install[^\\n]*\\b${pkg}\\b`), pkg);
    assert.match(text, /^COPY dist\/cli\.js /m);
  });
});
