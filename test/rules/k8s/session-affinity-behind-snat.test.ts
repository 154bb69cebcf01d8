import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { readFixture } from '../../helpers/golden';
import { expectFindings, expectMessage, lintText } from '../../helpers/ruleTester';

const RULE = 'k8s/session-affinity-behind-snat';

const NGINX_INGRESS = `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: shop
spec:
  ingressClassName: nginx
  rules:
  - http:
      paths:
      - path: /
        pathType: Prefix
        backend:
          service:
            name: cart
            port:
              name: http
`;

function reportsOf(text: string, node: { path: string; text: string }[] = []) {
  return lintText(text, { path: 'node/svc.yaml', node }).reports.filter((r) => r.ruleId === RULE);
}

describe(RULE, () => {
  it('fires on ClientIP affinity behind an Ingress and on NodePort/LoadBalancer Services with externalTrafficPolicy Cluster', () => {
    expectFindings(
      [RULE],
      `apiVersion: v1
kind: Service
metadata:
  name: cart
spec:
  sessionAffinity: ClientIP
                   ^^^^^^^^ ${RULE}
  ports:
  - name: http
    port: 80
---
apiVersion: v1
kind: Service
metadata:
  name: game
spec:
  type: LoadBalancer
  sessionAffinity: "ClientIP"
                   ^^^^^^^^^^ ${RULE}
  sessionAffinityConfig:
    clientIP:
      timeoutSeconds: 86400
  ports:
  - port: 7777
`,
      { path: 'node/svc.yaml', node: [{ path: 'node/ing.yaml', text: NGINX_INGRESS }] },
    );
  });

  it('does not fire on plain ClusterIP affinity, None, or LoadBalancer with externalTrafficPolicy Local', () => {
    expectFindings(
      [RULE],
      `apiVersion: v1
kind: Service
metadata: {name: a}
spec: {sessionAffinity: ClientIP, ports: [{port: 80}]}
---
apiVersion: v1
kind: Service
metadata: {name: b}
spec: {type: LoadBalancer, sessionAffinity: None, ports: [{port: 80}]}
---
apiVersion: v1
kind: Service
metadata: {name: c}
spec: {type: LoadBalancer, externalTrafficPolicy: Local, sessionAffinity: ClientIP, ports: [{port: 80}]}
`,
    );
  });

  it('says what the affinity is keyed on, the timeout, and points at the Ingress', () => {
    const svc = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: cart\nspec:\n  sessionAffinity: ClientIP\n  ports:\n  - name: http\n    port: 80\n';
    const [r] = reportsOf(svc, [{ path: 'node/ing.yaml', text: NGINX_INGRESS }]);
    expectMessage(r, 'pinnedDefault', { service: 'Service cart', timeout: 10800 });
    assert.match(String(r!.data!.reasons), /kube-proxy sees the addresses of the proxy or load balancer/);
    assert.equal(r!.related[0]!.document.path, 'node/ing.yaml');
    assert.equal(NGINX_INGRESS.slice(r!.related[0]!.span.start, r!.related[0]!.span.end), 'cart');

    const game = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: game\nspec:\n  type: NodePort\n  sessionAffinity: ClientIP\n  sessionAffinityConfig:\n    clientIP:\n      timeoutSeconds: 600\n';
    const [g] = reportsOf(game);
    expectMessage(g, 'pinned', { timeout: 600 });
    assert.match(String(g!.data!.reasons), /affinity state is kept per node/);
  });

  it('explains that a GKE Ingress with NEGs bypasses kube-proxy altogether', () => {
    const svc = `apiVersion: v1\nkind: Service\nmetadata:\n  name: cart\n  annotations:\n    cloud.google.com/neg: '{"ingress": true}'\nspec:\n  sessionAffinity: ClientIP\n  ports:\n  - name: http\n    port: 80\n`;
    const [r] = reportsOf(svc, [{ path: 'node/ing.yaml', text: NGINX_INGRESS.replace('ingressClassName: nginx', 'ingressClassName: gce') }]);
    assert.match(String(r!.data!.reasons), /straight to pod IPs, so kube-proxy \(and this affinity\) is not on the path/);
  });

  it('does not fire on the real Service fixtures (none uses ClientIP affinity)', () => {
    const dir = join(__dirname, '..', '..', 'fixtures', 'k8s', 'services');
    for (const name of readdirSync(dir)) assert.equal(reportsOf(readFixture(`k8s/services/${name}`)).length, 0, name);
  });
});
