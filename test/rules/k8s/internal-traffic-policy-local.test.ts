import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { applyEdits, expectFindings, expectMessage, lintText, onlyEditFix } from '../../helpers/ruleTester';

const RULE = 'k8s/internal-traffic-policy-local';

function reportsOf(text: string, node: { path: string; text: string }[] = []) {
  return lintText(text, { path: 'node/svc.yaml', node }).reports.filter((r) => r.ruleId === RULE);
}

describe(RULE, () => {
  it('fires on internalTrafficPolicy: Local unless the backend is a DaemonSet', () => {
    expectFindings(
      [RULE],
      `apiVersion: v1
kind: Service
metadata:
  name: api
spec:
  internalTrafficPolicy: Local
                         ^^^^^ ${RULE}
  ports:
  - port: 80
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: cache
  labels:
    app: cache
spec:
  replicas: 2
  template:
    spec:
      containers:
      - name: c
        image: redis:7
---
apiVersion: v1
kind: Service
metadata:
  name: cache-svc
  labels:
    app: cache
spec:
  internalTrafficPolicy: 'Local'
                         ^^^^^^^ ${RULE}
`,
    );
  });

  it('does not fire on Cluster, on an unset policy, or for node-local agents run as a DaemonSet', () => {
    expectFindings(
      [RULE],
      `apiVersion: v1
kind: Service
metadata: {name: a}
spec: {internalTrafficPolicy: Cluster}
---
apiVersion: v1
kind: Service
metadata: {name: b}
spec: {ports: [{port: 80}]}
---
apiVersion: v1
kind: Service
metadata:
  name: node-local-dns
  labels:
    k8s-app: node-local-dns
spec:
  internalTrafficPolicy: Local
`,
      {
        path: 'node/svc.yaml',
        node: [
          {
            path: 'node/ds.yaml',
            text: 'apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: nodelocaldns\n  labels:\n    k8s-app: node-local-dns\nspec:\n  template:\n    spec:\n      containers:\n      - name: node-cache\n        image: registry.k8s.io/dns/k8s-dns-node-cache:1.23.0\n',
          },
        ],
      },
    );
  });

  it('names the backing Deployment in the message and related information', () => {
    const dep = 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  template:\n    spec:\n      containers:\n      - name: api\n        image: api:1\n';
    const [r] = reportsOf('apiVersion: v1\nkind: Service\nmetadata:\n  name: api\nspec:\n  internalTrafficPolicy: Local\n', [{ path: 'node/dep.yaml', text: dep }]);
    expectMessage(r, 'localWithBackend', { service: 'Service api', backend: 'Deployment api' });
    assert.equal(r!.related[0]!.document.path, 'node/dep.yaml');
  });

  it('fixes by setting Cluster in place (quotes, comments and CRLF kept)', () => {
    const text = "apiVersion: v1\r\nkind: Service\r\nmetadata:\r\n  name: api\r\nspec:\r\n  internalTrafficPolicy: 'Local' # keep traffic on the node\r\n  ports:\r\n  - port: 80\r\n";
    const fix = onlyEditFix(reportsOf(text)[0]!);
    assert.equal(fix.safe, false);
    const fixed = applyEdits(text, fix.edits);
    assert.equal(fixed, "apiVersion: v1\r\nkind: Service\r\nmetadata:\r\n  name: api\r\nspec:\r\n  internalTrafficPolicy: 'Cluster' # keep traffic on the node\r\n  ports:\r\n  - port: 80\r\n");
    assert.equal(reportsOf(fixed).length, 0);
  });
});
