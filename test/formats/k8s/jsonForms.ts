import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { FIXTURES, readFixture } from '../../helpers/golden';

/** Manifests as `kubectl get ... -o json` prints them, for the JSON reading and fixing tests. */

export const SERVICE_LIST = `{
    "apiVersion": "v1",
    "items": [
        {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": {
                "name": "web",
                "namespace": "default"
            },
            "spec": {
                "externalTrafficPolicy": "Cluster",
                "ports": [
                    {
                        "nodePort": 30080,
                        "port": 80,
                        "protocol": "TCP",
                        "targetPort": 8080
                    }
                ],
                "selector": {
                    "app": "web"
                },
                "sessionAffinity": "ClientIP",
                "type": "NodePort"
            }
        }
    ],
    "kind": "List",
    "metadata": {
        "resourceVersion": ""
    }
}
`;

/** `kubectl get cm -n kube-system kube-proxy -o json`: config.conf is one string with \\n escapes. */
export const KUBE_PROXY_CM = `{
    "apiVersion": "v1",
    "data": {
        "config.conf": "apiVersion: kubeproxy.config.k8s.io/v1alpha1\\nkind: KubeProxyConfiguration\\nclusterCIDR: 10.244.0.0/16\\nmode: \\"ipvs\\"\\nipvs:\\n  strictARP: false\\n  syncPeriod: 30s\\niptables:\\n  masqueradeAll: true\\n",
        "kubeconfig.conf": "apiVersion: v1\\nkind: Config\\nclusters:\\n- cluster:\\n    server: https://10.0.0.1:6443\\n  name: default\\n"
    },
    "kind": "ConfigMap",
    "metadata": {
        "name": "kube-proxy",
        "namespace": "kube-system"
    }
}
`;

/** Every file under test/fixtures/k8s. */
function fixtureFiles(): string[] {
  const out: string[] = [];
  const stack = [join(FIXTURES, 'k8s')];
  while (stack.length > 0) {
    const dir = stack.pop()!;
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) stack.push(p);
      else out.push(relative(FIXTURES, p));
    }
  }
  return out.sort();
}

export interface JsonForm {
  readonly fixture: string;
  readonly index: number;
  /** The document as written in the fixture. */
  readonly yaml: string;
  /** JSON.stringify(yaml.parse(...), null, 4): kubectl's indentation. */
  readonly json: string;
  /** The document has an apiVersion at the top (what detection needs). */
  readonly hasApiVersion: boolean;
}

/**
 * The documents of the k8s fixtures that are valid YAML and objects (templates until rendered,
 * broken indentation and null documents have no JSON form), with their JSON forms. Parsed as
 * YAML 1.1, as kubectl's decoders do.
 */
export function jsonForms(): JsonForm[] {
  const out: JsonForm[] = [];
  for (const fixture of fixtureFiles()) {
    const text = readFixture(fixture);
    parseAllDocuments(text, { version: '1.1' }).forEach((doc, index) => {
      if (doc.errors.length > 0) return;
      const value: unknown = doc.toJS();
      if (value === null || typeof value !== 'object' || Array.isArray(value)) return;
      const r = doc.range;
      out.push({
        fixture,
        index,
        yaml: text.slice(r[0], r[2]),
        json: `${JSON.stringify(value, null, 4)}\n`,
        hasApiVersion: typeof (value as Record<string, unknown>)['apiVersion'] === 'string',
      });
    });
  }
  return out;
}


export interface JsonList {
  readonly fixture: string;
  /** The fixture's documents as one YAML stream. */
  readonly yaml: string;
  /** The same documents as one compact `kind: List` (JSON on one line). */
  readonly json: string;
  /** The List's items alone, a bare JSON array (`kubectl get ... -o json | jq .items`), 2-space indentation. */
  readonly array: string;
}

/** Every fixture with several object documents (each with an apiVersion), as one List. */
export function jsonLists(forms: readonly JsonForm[]): JsonList[] {
  const files = new Map<string, JsonForm[]>();
  for (const f of forms) files.set(f.fixture, [...(files.get(f.fixture) ?? []), f]);
  const out: JsonList[] = [];
  for (const [fixture, docs] of files) {
    if (docs.length < 2 || !docs.every((d) => d.hasApiVersion)) continue;
    const yaml = docs.map((d) => d.yaml.replace(/\n?$/, '\n')).join('---\n');
    const items = docs.map((d) => JSON.parse(d.json) as unknown);
    out.push({ fixture, yaml, json: JSON.stringify({ apiVersion: 'v1', kind: 'List', items }), array: `${JSON.stringify(items, null, 2)}\n` });
  }
  return out;
}
