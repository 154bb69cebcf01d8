import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFixture } from '../../helpers/golden';
import { applyEdits, expectFindings, expectMessage, lintText, onlyEditFix } from '../../helpers/ruleTester';

const RULE = 'k8s/external-traffic-policy-cluster';

const GCE_INGRESS = `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
  annotations:
    kubernetes.io/ingress.class: "gce"
spec:
  defaultBackend:
    service:
      name: chat
      port:
        number: 80
`;

function reportsOf(text: string, options: Parameters<typeof lintText>[1] = {}) {
  return lintText(text, { path: 'node/svc.yaml', ...options }).reports.filter((r) => r.ruleId === RULE);
}

describe(RULE, () => {
  it('fires on NodePort/LoadBalancer Services with Cluster (or unset) when connections are long-lived or the client IP matters', () => {
    expectFindings(
      [RULE],
      `apiVersion: v1
kind: Service
metadata:
  name: chat
spec:
  type: LoadBalancer
        ^^^^^^^^^^^^ ${RULE}
  ports:
  - name: websocket
    port: 443
---
apiVersion: v1
kind: Service
metadata:
  name: api
spec:
  type: NodePort
  externalTrafficPolicy: Cluster
                         ^^^^^^^ ${RULE}
  ports:
  - port: 50051
    appProtocol: grpc
---
apiVersion: v1
kind: Service
metadata:
  name: ingress-nginx-controller
  labels:
    app.kubernetes.io/name: ingress-nginx
spec:
  type: LoadBalancer
        ^^^^^^^^^^^^ ${RULE}
  ports:
  - name: http
    port: 80
`,
      { path: 'node/svc.yaml' },
    );
  });

  it('does not fire on ClusterIP, ExternalName, Local, templated values, or without a reason the hop matters', () => {
    expectFindings(
      [RULE],
      `apiVersion: v1
kind: Service
metadata: {name: a}
spec: {ports: [{name: ws, port: 80}]}
---
apiVersion: v1
kind: Service
metadata: {name: b}
spec: {type: ClusterIP, ports: [{name: ws, port: 80}]}
---
apiVersion: v1
kind: Service
metadata: {name: c}
spec: {type: ExternalName, externalName: ws.example.com}
---
apiVersion: v1
kind: Service
metadata: {name: d}
spec: {type: LoadBalancer, externalTrafficPolicy: Local, ports: [{name: ws, port: 80}]}
---
apiVersion: v1
kind: Service
metadata: {name: e}
spec: {type: LoadBalancer, ports: [{name: http, port: 80}]}
---
apiVersion: v1
kind: Service
metadata: {name: f}
spec:
  type: NodePort
  externalTrafficPolicy: "{{ .Values.etp }}"
  ports: [{name: ws, port: 80}]
`,
      { path: 'node/svc.yaml' },
    );
  });

  it('does not fire on a NodePort Service whose GKE Ingress uses NEGs (the load balancer targets pods directly)', () => {
    const svc = `apiVersion: v1
kind: Service
metadata:
  name: chat
  annotations:
    cloud.google.com/neg: '{"exposed_ports": {"80": {}}, "ingress": true}'
spec:
  type: NodePort
  ports:
  - name: ws
    port: 80
`;
    assert.equal(reportsOf(svc, { node: [{ path: 'node/ing.yaml', text: GCE_INGRESS }] }).length, 0);
    // A LoadBalancer with NEGs is still reached through nodes by its L4 load balancer.
    assert.equal(reportsOf(svc.replace('NodePort', 'LoadBalancer')).length, 1);
  });

  it('is the incident-1B warning when the Service backs a GKE Ingress with NEGs off and carries long-lived connections', () => {
    const svc = `apiVersion: v1
kind: Service
metadata:
  name: chat
  annotations:
    cloud.google.com/neg: '{"ingress": false}'
spec:
  type: NodePort
  ports:
  - name: ws
    port: 80
`;
    const [r] = reportsOf(svc, { node: [{ path: 'node/ing.yaml', text: GCE_INGRESS }] });
    assert.equal(r?.severity, 'warning');
    expectMessage(r, 'clusterByDefault', { service: 'Service chat', type: 'NodePort' });
    assert.match(String(r!.data!.reasons), /backend of a GKE Ingress without NEGs: every request/);
    assert.match(String(r!.data!.reasons), /port ws \(80\) suggests long-lived connections/);
    const rel = r!.related.find((x) => x.document.path === 'node/ing.yaml');
    assert.ok(rel, 'related information points at the Ingress backend');
    assert.equal(GCE_INGRESS.slice(rel.span.start, rel.span.end), 'chat');
    // Without the explicit "ingress": false, GKE may have NEGs on by default: info, and said so.
    const [u] = reportsOf(svc.replace(`  annotations:\n    cloud.google.com/neg: '{"ingress": false}'\n`, ''), { node: [{ path: 'node/ing.yaml', text: GCE_INGRESS }] });
    assert.equal(u?.severity, 'info');
    assert.match(String(u!.data!.reasons), /unless the cluster enables them by default/);
  });

  it('counts an attached BackendConfig with a long timeoutSec as long-lived evidence', () => {
    const text = `apiVersion: v1
kind: Service
metadata:
  name: stream
  annotations:
    cloud.google.com/backend-config: '{"default": "long"}'
spec:
  type: LoadBalancer
  ports:
  - name: http
    port: 80
---
apiVersion: cloud.google.com/v1
kind: BackendConfig
metadata:
  name: long
spec:
  timeoutSec: 3600
`;
    const [r] = reportsOf(text);
    assert.match(String(r!.data!.reasons), /BackendConfig long sets timeoutSec: 3600/);
    assert.equal(reportsOf(text.replace('timeoutSec: 3600', 'timeoutSec: 30')).length, 0);
  });

  it('fixes by inserting externalTrafficPolicy: Local into spec, keeping comments and CRLF', () => {
    const text =
      'apiVersion: v1\r\nkind: Service\r\nmetadata:\r\n  name: chat # websocket gateway\r\nspec:\r\n  # exposed through the cloud LB\r\n  type: LoadBalancer\r\n  ports:\r\n  - name: ws\r\n    port: 443\r\n';
    const fix = onlyEditFix(reportsOf(text)[0]!);
    assert.equal(fix.safe, false);
    const fixed = applyEdits(text, fix.edits);
    assert.equal(
      fixed,
      'apiVersion: v1\r\nkind: Service\r\nmetadata:\r\n  name: chat # websocket gateway\r\nspec:\r\n  # exposed through the cloud LB\r\n  type: LoadBalancer\r\n  ports:\r\n  - name: ws\r\n    port: 443\r\n  externalTrafficPolicy: Local\r\n',
    );
    assert.equal(reportsOf(fixed).length, 0);
  });

  it('fixes by replacing Cluster in place, keeping the quote style', () => {
    const text = `kind: Service
apiVersion: v1
metadata:
  name: chat
spec:
  type: NodePort
  externalTrafficPolicy: "Cluster"   # default
  ports:
  - name: ws
    port: 80
`;
    const fixed = applyEdits(text, onlyEditFix(reportsOf(text)[0]!).edits);
    assert.equal(fixed, text.replace('"Cluster"', '"Local"'));
    assert.equal(reportsOf(fixed).length, 0);
  });

  it('fixes flow-style manifests in flow style', () => {
    const text = `{
  apiVersion: "v1",
  kind: "Service",
  metadata: {name: "chat"},
  spec: {
    type: "LoadBalancer",
    ports: [{name: "ws", port: 80}],
  },
}
`;
    const fixed = applyEdits(text, onlyEditFix(reportsOf(text)[0]!).edits);
    assert.equal(
      fixed,
      `{
  apiVersion: "v1",
  kind: "Service",
  metadata: {name: "chat"},
  spec: {
    type: "LoadBalancer",
    ports: [{name: "ws", port: 80}],
    externalTrafficPolicy: Local,
  },
}
`,
    );
    assert.equal(reportsOf(fixed).length, 0);
  });

  it('gives every Service of a big file its own fix, which edits only that Service', () => {
    const one = (i: number): string => `apiVersion: v1\nkind: Service\nmetadata:\n  name: chat-${i}\n  # owner: team-${i}\nspec:\n  type: LoadBalancer\n  ports:\n  - name: ws\n    port: 443\n`;
    const text = Array.from({ length: 800 }, (_, i) => one(i)).join('---\n');
    const reports = reportsOf(text);
    assert.equal(reports.length, 800);
    assert.equal(reports.filter((r) => r.fixes.length > 0).length, 800);
    const at = text.indexOf('name: chat-417\n');
    const next = text.indexOf('---\n', at);
    const middle = reports.find((r) => r.span.start >= at && r.span.start < next);
    assert.ok(middle, 'the finding of Service chat-417');
    const fixed = applyEdits(text, onlyEditFix(middle).edits);
    // Everything outside Service chat-417 is byte-for-byte the same; inside it, one line is added.
    assert.equal(fixed.slice(0, at), text.slice(0, at));
    assert.equal(fixed.slice(fixed.length - (text.length - next)), text.slice(next));
    assert.equal(
      fixed.slice(at, fixed.length - (text.length - next)),
      'name: chat-417\n  # owner: team-417\nspec:\n  type: LoadBalancer\n  ports:\n  - name: ws\n    port: 443\n  externalTrafficPolicy: Local\n',
    );
  });

  it('does not fire on the real fixtures that are not GKE Ingress backends', () => {
    for (const f of [
      'k8s/services/gke-recipes-external-lb-service.yaml',
      'k8s/services/gke-recipes-internal-lb-service.yaml',
      'k8s/services/metallb-docs-shared-ip-tcp-udp-loadBalancerIP.yaml',
      'k8s/services/k8s-website-dual-stack-prefer-ipv6-lb-svc-flow-style.yaml',
      'k8s/services/ack-nginx-ingress-lb-intranet-slb-etp-local.yaml',
      'k8s/services/gke-recipes-ingress-cloudarmor-neg-backendconfig.yaml',
    ]) {
      assert.equal(reportsOf(readFixture(f), { path: f }).length, 0, f);
    }
    // The NodePort backend of the v1beta1 gce Ingress recipe (no NEG annotation) does.
    const f = 'k8s/services/gke-recipes-grpc-hc-ingress-v1beta1.yaml';
    assert.equal(reportsOf(readFixture(f), { path: f }).length, 1);
  });
});
