import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseK8s } from '../../../server/src/formats/k8s';
import { k8sHover } from '../../../server/src/formats/k8s/hover';

const examples = join(__dirname, '..', '..', '..', 'examples');

describe('manifest hover', () => {
  it('explains kube-proxy fields inside the embedded config.conf, at their exact place in the ConfigMap', () => {
    const text = readFileSync(join(examples, 'ipvs-conn-reuse', 'kube-proxy-cm.yaml'), 'utf8');
    const model = parseK8s(text);
    const h = k8sHover(model, text.indexOf('strictARP') + 2)!;
    assert.equal(text.slice(h.span.start, h.span.end), 'strictARP');
    assert.match(h.markdown, /\*\*strictARP: `false`\*\*/);
    assert.match(h.markdown, /Required by MetalLB/);
    assert.match(k8sHover(model, text.indexOf('"ipvs"') + 2)!.markdown, /deprecated in 1\.35/);
  });

  it('explains the flannel backend inside net-conf.json', () => {
    const text = readFileSync(join(examples, 'vxlan-63s-delay', 'kube-flannel-cfg.yaml'), 'utf8');
    const h = k8sHover(parseK8s(text), text.indexOf('"vxlan"') + 2)!;
    assert.match(h.markdown, /TX checksum offload off/);
  });

  it('explains Service traffic policies and the GKE NEG annotation', () => {
    const text = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  annotations:\n    cloud.google.com/neg: \'{"ingress": true}\'\nspec:\n  type: NodePort\n  externalTrafficPolicy: Local\n';
    const model = parseK8s(text);
    assert.match(k8sHover(model, text.indexOf('externalTrafficPolicy') + 1)!.markdown, /only nodes with a ready endpoint answer/);
    assert.match(k8sHover(model, text.indexOf('cloud.google.com/neg') + 1)!.markdown, /container-native load balancing/);
    assert.equal(k8sHover(model, text.indexOf('name: web') + 1), undefined, 'fields the schema extension documents are left to it');
  });
});
