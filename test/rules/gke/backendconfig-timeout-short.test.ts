import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { readFixture } from '../../helpers/golden';
import { applyEdits, expectFindings, expectMessage, lintText, onlyEditFix } from '../../helpers/ruleTester';

const RULE = 'gke/backendconfig-timeout-short';

const INGRESS = `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: front
  annotations:
    kubernetes.io/ingress.class: gce
spec:
  defaultBackend:
    service:
      name: chat
      port:
        number: 80
`;

function reportsOf(text: string, node: { path: string; text: string }[] = [], path = 'node/app.yaml') {
  return lintText(text, { path, node }).reports.filter((r) => r.ruleId === RULE);
}

describe(RULE, () => {
  it('fires on a BackendConfig without timeoutSec (or a short one) used by a WebSocket/gRPC port', () => {
    expectFindings(
      [RULE],
      `apiVersion: v1
kind: Service
metadata:
  name: chat
  annotations:
    cloud.google.com/neg: '{"ingress": true}'
    cloud.google.com/backend-config: '{"ports": {"ws": "chat-bc", "8080": "api-bc"}}'
spec:
  ports:
  - name: ws
    port: 80
  - name: grpc
    port: 8080
---
apiVersion: cloud.google.com/v1
kind: BackendConfig
metadata:
  name: chat-bc
        ^^^^^^^ ${RULE}
spec:
  healthCheck:
    timeoutSec: 5
---
apiVersion: cloud.google.com/v1
kind: BackendConfig
metadata:
  name: api-bc
spec:
  timeoutSec: 120
              ^^^ ${RULE}
`,
    );
  });

  it('fires on a long-lived port of a GKE Ingress backend that attaches no BackendConfig at all', () => {
    expectFindings(
      [RULE],
      `apiVersion: v1
kind: Service
metadata:
  name: chat
spec:
  ports:
  - name: websocket
          ^^^^^^^^^ ${RULE}
    port: 80
  - name: metrics
    port: 9090
`,
      { path: 'node/svc.yaml', node: [{ path: 'node/ing.yaml', text: INGRESS }] },
    );
  });

  it('flags timeoutSec above 24 h whoever uses it', () => {
    expectFindings(
      [RULE],
      `apiVersion: cloud.google.com/v1
kind: BackendConfig
metadata:
  name: forever
spec:
  timeoutSec: 172800
              ^^^^^^ ${RULE}
`,
    );
  });

  it('does not fire with a long timeout, on ports without long-lived hints, on a BackendConfig nobody uses, or without a GKE Ingress', () => {
    expectFindings(
      [RULE],
      `apiVersion: v1
kind: Service
metadata:
  name: chat
  annotations:
    cloud.google.com/backend-config: '{"default": "long"}'
spec:
  ports:
  - name: ws
    port: 80
---
apiVersion: v1
kind: Service
metadata:
  name: web
  annotations:
    beta.cloud.google.com/backend-config: '{"default": "short"}'
spec:
  ports:
  - name: http
    port: 80
---
apiVersion: cloud.google.com/v1
kind: BackendConfig
metadata: {name: long}
spec: {timeoutSec: 3600}
---
apiVersion: cloud.google.com/v1
kind: BackendConfig
metadata: {name: short}
spec: {timeoutSec: 30}
---
apiVersion: cloud.google.com/v1
kind: BackendConfig
metadata: {name: unused}
spec: {timeoutSec: 10}
`,
    );
    // A WebSocket Service with no BackendConfig but no Ingress pointing at it.
    assert.equal(reportsOf('apiVersion: v1\nkind: Service\nmetadata:\n  name: chat\nspec:\n  ports:\n  - name: ws\n    port: 80\n').length, 0);
    // ... or only an nginx Ingress.
    assert.equal(reportsOf('apiVersion: v1\nkind: Service\nmetadata:\n  name: chat\nspec:\n  ports:\n  - name: ws\n    port: 80\n', [{ path: 'node/i.yaml', text: INGRESS.replace('class: gce', 'class: nginx') }]).length, 0);
  });

  it('finds the BackendConfig in another file of the node and points back at the Service port', () => {
    const svc = `apiVersion: v1
kind: Service
metadata:
  name: chat
  annotations:
    cloud.google.com/backend-config: '{"default": "chat-bc"}'
spec:
  ports:
  - name: http
    port: 80
    appProtocol: kubernetes.io/ws
`;
    const bc = 'apiVersion: cloud.google.com/v1\nkind: BackendConfig\nmetadata:\n  name: chat-bc\nspec:\n  timeoutSec: 60\n';
    const [r] = reportsOf(bc, [{ path: 'node/svc.yaml', text: svc }], 'node/bc.yaml');
    expectMessage(r, 'shortSet', { timeout: 60, ports: 'Service chat port http (80)' });
    assert.equal(r!.related[0]!.document.path, 'node/svc.yaml');
    assert.equal(svc.slice(r!.related[0]!.span.start, r!.related[0]!.span.end), 'kubernetes.io/ws');
    // The Service's own file gets nothing: the finding and its fix belong to the BackendConfig.
    assert.equal(reportsOf(svc, [{ path: 'node/bc.yaml', text: bc }], 'node/svc.yaml').length, 0);
  });

  it('fixes a BackendConfig by setting timeoutSec (inserted under spec, or replaced), comments and CRLF kept', () => {
    const svc = [{ path: 'node/svc.yaml', text: `apiVersion: v1\nkind: Service\nmetadata:\n  name: chat\n  annotations:\n    cloud.google.com/backend-config: '{"default": "chat-bc"}'\nspec:\n  ports:\n  - name: ws\n    port: 80\n` }];
    const bc = 'apiVersion: cloud.google.com/v1\r\nkind: BackendConfig\r\nmetadata:\r\n  name: chat-bc # WebSockets\r\nspec:\r\n  connectionDraining:\r\n    drainingTimeoutSec: 60\r\n';
    const fix = onlyEditFix(reportsOf(bc, svc, 'node/bc.yaml')[0]!);
    assert.equal(fix.safe, false);
    const fixed = applyEdits(bc, fix.edits);
    assert.equal(fixed, 'apiVersion: cloud.google.com/v1\r\nkind: BackendConfig\r\nmetadata:\r\n  name: chat-bc # WebSockets\r\nspec:\r\n  connectionDraining:\r\n    drainingTimeoutSec: 60\r\n  timeoutSec: 3600\r\n');
    assert.equal(reportsOf(fixed, svc, 'node/bc.yaml').length, 0);

    const short = 'apiVersion: cloud.google.com/v1\nkind: BackendConfig\nmetadata:\n  name: chat-bc\nspec:\n  timeoutSec: 30 # default\n';
    const fixedShort = applyEdits(short, onlyEditFix(reportsOf(short, svc, 'node/bc.yaml')[0]!).edits);
    assert.equal(fixedShort, short.replace('timeoutSec: 30 #', 'timeoutSec: 3600 #'));

    const forever = 'apiVersion: cloud.google.com/v1\nkind: BackendConfig\nmetadata: {name: x}\nspec: {timeoutSec: 604800}\n';
    assert.equal(applyEdits(forever, onlyEditFix(reportsOf(forever)[0]!).edits), forever.replace('604800', '86400'));
  });

  it('fixes a Service without BackendConfig by attaching a new one appended to the file', () => {
    const text = '# chat service\nkind: Service\napiVersion: v1\nmetadata:\n  name: chat\n  namespace: apps\nspec:\n  ports:\n  - name: ws\n    port: 80\n';
    const ing = [{ path: 'node/ing.yaml', text: INGRESS }];
    const fix = onlyEditFix(reportsOf(text, ing, 'node/svc.yaml')[0]!);
    const fixed = applyEdits(text, fix.edits);
    assert.equal(
      fixed,
      `# chat service
kind: Service
apiVersion: v1
metadata:
  name: chat
  namespace: apps
  annotations:
    cloud.google.com/backend-config: '{"default": "chat-backendconfig"}'
spec:
  ports:
  - name: ws
    port: 80
---
apiVersion: cloud.google.com/v1
kind: BackendConfig
metadata:
  name: chat-backendconfig
  namespace: apps
spec:
  timeoutSec: 3600
`,
    );
    assert.equal(reportsOf(fixed, ing, 'node/svc.yaml').length, 0);
  });

  it('does not fire on the real GKE recipes (no long-lived ports there)', () => {
    const dir = join(__dirname, '..', '..', 'fixtures', 'k8s', 'services');
    for (const name of readdirSync(dir)) {
      const rel = `k8s/services/${name}`;
      assert.equal(reportsOf(readFixture(rel), [], rel).length, 0, name);
    }
  });
});
