import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { readFixture } from '../../helpers/golden';
import { applyEdits, expectFindings, expectMessage, lintText, onlyEditFix } from '../../helpers/ruleTester';

const RULE = 'gke/ingress-without-neg';

const INGRESS = (cls: string, svc = 'web'): string => `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: front
${cls}spec:
  rules:
  - host: app.example.com
    http:
      paths:
      - path: /
        pathType: Prefix
        backend:
          service:
            name: ${svc}
            port:
              number: 80
`;

const SVC = `apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  type: NodePort
  ports:
  - name: http
    port: 80
`;

function reportsOf(text: string, node: { path: string; text: string }[] = [], path = 'node/svc.yaml') {
  return lintText(text, { path, node }).reports.filter((r) => r.ruleId === RULE);
}

describe(RULE, () => {
  it('fires on a NodePort / LoadBalancer backend of a gce Ingress without the NEG annotation (same file or another file)', () => {
    expectFindings(
      [RULE],
      `${INGRESS('  annotations:\n    kubernetes.io/ingress.class: "gce"\n')}---
apiVersion: v1
kind: Service
metadata:
  name: web
        ^^^ ${RULE}
spec:
  type: NodePort
  ports:
  - name: http
    port: 80
`,
      { path: 'node/app.yaml' },
    );
    expectFindings(
      [RULE],
      `apiVersion: v1
kind: Service
metadata:
  name: web
  annotations:
    cloud.google.com/neg: '{"exposed_ports": {"80": {}}}'
                          ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ ${RULE}
spec:
  type: LoadBalancer
  ports:
  - port: 80
`,
      { path: 'node/svc.yaml', node: [{ path: 'node/ing.yaml', text: INGRESS('spec:\n  ingressClassName: gce-internal\n').replace('spec:\nspec:', 'spec:') }] },
    );
  });

  it('does not fire on Services that have NEGs for Ingress, in any equivalent JSON spelling', () => {
    const ing = [{ path: 'node/ing.yaml', text: INGRESS('  annotations:\n    kubernetes.io/ingress.class: gce\n') }];
    for (const neg of [`'{"ingress": true}'`, `'{"ingress":true}'`, `'{ "exposed_ports": {"80":{}}, "ingress" : true }'`, `"{\\"ingress\\": true}"`, `'{"ingress": true, "exposed_ports": {"50051":{}}}'`]) {
      const text = SVC.replace('  name: web\n', `  name: web\n  annotations:\n    cloud.google.com/neg: ${neg}\n`);
      assert.equal(reportsOf(text, ing).length, 0, neg);
    }
  });

  it('does not fire for other ingress classes, ClusterIP backends, unrelated Services or other namespaces', () => {
    for (const cls of ['  annotations:\n    kubernetes.io/ingress.class: nginx\n', 'spec:\n  ingressClassName: traefik\n', '']) {
      // No class and no GKE evidence anywhere: not assumed to be GKE.
      assert.equal(reportsOf(SVC, [{ path: 'node/ing.yaml', text: INGRESS(cls).replace('spec:\nspec:', 'spec:') }]).length, 0, cls);
    }
    const gce = [{ path: 'node/ing.yaml', text: INGRESS('  annotations:\n    kubernetes.io/ingress.class: gce\n') }];
    assert.equal(reportsOf(SVC.replace('type: NodePort', 'type: ClusterIP'), gce).length, 0, 'ClusterIP backends only work with NEGs');
    assert.equal(reportsOf(SVC.replace('  type: NodePort\n', ''), gce).length, 0, 'no type = ClusterIP');
    assert.equal(reportsOf(SVC.replace('name: web', 'name: other'), gce).length, 0);
    assert.equal(reportsOf(SVC.replace('  name: web\n', '  name: web\n  namespace: a\n'), [{ path: 'node/ing.yaml', text: gce[0]!.text.replace('  name: front\n', '  name: front\n  namespace: b\n') }]).length, 0);
    assert.equal(reportsOf(SVC).length, 0, 'no Ingress at all');
  });

  it('treats a class-less Ingress as GKE only when the manifests are evidently GKE ones', () => {
    const bc = { path: 'node/bc.yaml', text: 'apiVersion: cloud.google.com/v1\nkind: BackendConfig\nmetadata:\n  name: x\nspec:\n  timeoutSec: 40\n' };
    const ing = { path: 'node/ing.yaml', text: INGRESS('') };
    const [r] = reportsOf(SVC, [ing, bc]);
    expectMessage(r, 'clusterDecides', { service: 'Service web', ingresses: 'front (no ingress class, GKE manifests (BackendConfig (cloud.google.com/v1)))' });
    assert.ok(r!.related.some((x) => x.message.startsWith('GKE evidence') && x.document.path === 'node/bc.yaml'));
    assert.equal(reportsOf(SVC, [ing]).length, 0);
  });

  it('says the cluster may have NEGs on by default (info), and warns when NEGs are explicitly off for long-lived traffic', () => {
    const ing = [{ path: 'node/ing.yaml', text: INGRESS('  annotations:\n    kubernetes.io/ingress.class: gce\n') }];
    const [unknown] = reportsOf(SVC.replace('name: http', 'name: websocket'), ing);
    assert.equal(unknown!.severity, 'info');
    expectMessage(unknown, 'clusterDecides');
    assert.match(String(unknown!.data!.also), /port websocket \(80\) suggests long-lived connections/);
    const off = SVC.replace('name: http', 'name: websocket').replace('  name: web\n', `  name: web\n  annotations:\n    cloud.google.com/neg: '{"ingress": false}'\n`);
    const [known] = reportsOf(off, ing);
    assert.equal(known!.severity, 'warning');
    expectMessage(known, 'negsOff');
    const [plain] = reportsOf(off.replace('name: websocket', 'name: http'), ing);
    assert.equal(plain!.severity, 'info');
    // Related information: the Ingress backend reference, in the other file.
    const rel = known!.related[0]!;
    assert.equal(rel.document.path, 'node/ing.yaml');
    assert.equal(ing[0]!.text.slice(rel.span.start, rel.span.end), 'web');
    assert.match(rel.message, /Ingress front routes app\.example\.com\/ to this Service port 80 \(kubernetes\.io\/ingress\.class: gce\)/);
  });

  it('fixes by adding the annotation, creating metadata.annotations (comments and CRLF kept)', () => {
    const text = 'apiVersion: v1\r\nkind: Service\r\nmetadata:\r\n  name: web # front end\r\n  labels:\r\n    app: web\r\nspec:\r\n  type: NodePort # for the gce Ingress\r\n  ports:\r\n  - port: 80\r\n';
    const ing = [{ path: 'node/ing.yaml', text: INGRESS('  annotations:\n    kubernetes.io/ingress.class: gce\n') }];
    const fix = onlyEditFix(reportsOf(text, ing)[0]!);
    assert.equal(fix.safe, false);
    const fixed = applyEdits(text, fix.edits);
    assert.equal(
      fixed,
      'apiVersion: v1\r\nkind: Service\r\nmetadata:\r\n  name: web # front end\r\n  labels:\r\n    app: web\r\n  annotations:\r\n    cloud.google.com/neg: \'{"ingress": true}\'\r\nspec:\r\n  type: NodePort # for the gce Ingress\r\n  ports:\r\n  - port: 80\r\n',
    );
    assert.equal(reportsOf(fixed, ing).length, 0);
  });

  it('fixes an existing annotation inside its JSON, keeping exposed_ports (block and flow style)', () => {
    const ing = [{ path: 'node/ing.yaml', text: INGRESS('  annotations:\n    kubernetes.io/ingress.class: gce\n') }];
    const block = SVC.replace('  name: web\n', `  name: web\n  annotations:\n    cloud.google.com/backend-config: '{"default": "bc"}'\n    cloud.google.com/neg: '{"exposed_ports": {"80":{}}}' # standalone\n`);
    const fixedBlock = applyEdits(block, onlyEditFix(reportsOf(block, ing)[0]!).edits);
    assert.equal(fixedBlock, block.replace(`'{"exposed_ports": {"80":{}}}'`, `'{"exposed_ports": {"80":{}}, "ingress": true}'`));
    assert.equal(reportsOf(fixedBlock, ing).length, 0);

    const flow = `apiVersion: v1
kind: Service
metadata: {name: web, annotations: {cloud.google.com/neg: '{"ingress": false}'}}
spec: {type: NodePort, ports: [{port: 80}]}
`;
    const fixedFlow = applyEdits(flow, onlyEditFix(reportsOf(flow, ing)[0]!).edits);
    assert.equal(fixedFlow, flow.replace(`'{"ingress": false}'`, `'{"ingress": true}'`));
    assert.equal(reportsOf(fixedFlow, ing).length, 0);
  });

  it('fires on the v1beta1 gce recipe (NodePort, no NEG) and on no GKE recipe that already carries NEG annotations', () => {
    const dir = join(__dirname, '..', '..', 'fixtures', 'k8s', 'services');
    const fired: string[] = [];
    for (const name of readdirSync(dir)) {
      const rel = `k8s/services/${name}`;
      if (reportsOf(readFixture(rel), [], rel).length > 0) fired.push(name);
    }
    assert.deepEqual(fired, ['gke-recipes-grpc-hc-ingress-v1beta1.yaml']);
    const rel = 'k8s/services/gke-recipes-grpc-hc-ingress-v1beta1.yaml';
    const text = readFixture(rel);
    const [r] = reportsOf(text, [], rel);
    assert.equal(text.slice(r!.related[0]!.span.start, r!.related[0]!.span.end), 'foo', 'v1beta1 serviceName is the related backend');
    const fixed = applyEdits(text, onlyEditFix(r!).edits);
    assert.equal(fixed, text.replace(`    cloud.google.com/backend-config: '{"ports": {"8080":"hc-backendconfig"}}'\n`, `    cloud.google.com/backend-config: '{"ports": {"8080":"hc-backendconfig"}}'\n    cloud.google.com/neg: '{"ingress": true}'\n`));
  });
});
