import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { expectFindings, expectMessage, lintText } from '../../helpers/ruleTester';

const RULE = 'kube-proxy/flags-ignored-with-config';

const DS = (args: string): string => `apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: kube-proxy
  namespace: kube-system
spec:
  template:
    spec:
      containers:
      - name: kube-proxy
        image: registry.k8s.io/kube-proxy:v1.29.3
        command:
        - /usr/local/bin/kube-proxy
${args}`;

describe(RULE, () => {
  it('fires on flags kube-proxy ignores when --config is given', () => {
    expectFindings(
      [RULE],
      DS(`        - --config=/var/lib/kube-proxy/config.conf
        - --hostname-override=$(NODE_NAME)
        - --proxy-mode=ipvs
          ^^^^^^^^^^^^ ${RULE}
        - --ipvs-strict-arp
          ^^^^^^^^^^^^^^^^^ ${RULE}
        - --conntrack-max-per-core
          ^^^^^^^^^^^^^^^^^^^^^^^^ ${RULE}
        - "0"
        - --iptables-min-sync-period=10s
          ^^^^^^^^^^^^^^^^^^^^^^^^^^ ${RULE}
        - --v=2
`),
    );
  });

  it('does not fire without --config, or on flags honoured alongside it', () => {
    expectFindings([RULE], DS('        - --proxy-mode=ipvs\n        - --cluster-cidr=10.244.0.0/16\n'));
    expectFindings([RULE], DS('        - --config=/var/lib/kube-proxy/config.conf\n        - --hostname-override=$(NODE_NAME)\n        - --v=4\n'));
  });

  it('names the config field and points at --config and at the field in the node\'s ConfigMap', () => {
    const cm = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: kube-proxy\ndata:\n  config.conf: |\n    kind: KubeProxyConfiguration\n    ipvs:\n      strictARP: false\n';
    const text = DS('        - --config=/var/lib/kube-proxy/config.conf\n        - --ipvs-strict-arp\n');
    const [r] = lintText(text, { path: 'node/ds.yaml', node: [{ path: 'node/cm.yaml', text: cm }] }).reports.filter((x) => x.ruleId === RULE);
    expectMessage(r, 'ignoredFlag', { flag: '--ipvs-strict-arp', field: 'ipvs.strictARP' });
    assert.equal(r!.related[0]!.message, '--config=/var/lib/kube-proxy/config.conf: the configuration file wins');
    const cmRel = r!.related.find((x) => x.document.path === 'node/cm.yaml')!;
    assert.equal(cm.slice(cmRel.span.start, cmRel.span.end), 'strictARP');
  });
});
