import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { EditFix } from '../../../server/src/rules/rule';
import { applyEdits, expectFindings, expectMessage, lintText, splitAnnotated } from '../../helpers/ruleTester';

const RULE = 'k3s/removed-flannel-backend';
const opts = { path: 'node/config.yaml' };
const IPSEC = `# /etc/rancher/k3s/config.yaml
write-kubeconfig-mode: "0644"
flannel-backend: ipsec   # encrypted overlay
                 ^^^^^ ${RULE}
cluster-cidr: 10.42.0.0/16
`;

describe(RULE, () => {
  it('fires on ipsec; unknown k3s version → warning that names v1.27', () => {
    const [r] = expectFindings([RULE], IPSEC, opts);
    assert.equal(r!.severity, 'warning');
    expectMessage(r, 'versionUnknown', { backend: 'ipsec', since: 'v1.27' });
    assert.match(String(r!.data!.why), /^the strongSwan ipsec backend was deprecated and removed in k3s v1\.27/);
    // The text users read is rendered from the template.
    assert.match(r!.message, /^flannel-backend: ipsec — the strongSwan ipsec backend .* Set kubeNetlint\.facts\.kubeProxyVersion to the k3s version/);
  });

  it('is an error on k3s v1.27+ and a warning before, by the version fact', () => {
    const [newer] = expectFindings([RULE], IPSEC, { ...opts, settings: { facts: { kubeProxyVersion: 'v1.28.1+k3s1' } } });
    assert.equal(newer!.severity, 'error');
    expectMessage(newer, 'refused', { version: 'v1.28.1+k3s1 (from setting kubeProxyVersion)', since: 'v1.27' });
    const [older] = expectFindings([RULE], IPSEC, { ...opts, settings: { facts: { kubeProxyVersion: '1.26.4' } } });
    assert.equal(older!.severity, 'warning');
    expectMessage(older, 'stillRuns', { since: 'v1.27' });
  });

  it('fires on the userspace wireguard backend', () => {
    const [r] = expectFindings([RULE], `flannel-backend: wireguard\n                 ^^^^^^^^^ ${RULE}\n`, opts);
    expectMessage(r, 'versionUnknown', { backend: 'wireguard' });
    assert.match(String(r!.data!.why), /replaced by wireguard-native/);
  });

  it('does not fire on current backends or without flannel-backend', () => {
    for (const b of ['wireguard-native', 'vxlan', 'host-gw', 'none']) expectFindings([RULE], `flannel-backend: ${b}\n`, opts);
    expectFindings([RULE], 'cluster-cidr: 10.42.0.0/16\n', opts);
    // Not a k3s config: a flannel ConfigMap with the ipsec backend is flannel's business.
    expectFindings([RULE], 'kind: ConfigMap\napiVersion: v1\nmetadata:\n  name: kube-flannel-cfg\ndata:\n  net-conf.json: |\n    {"Network": "10.244.0.0/16", "Backend": {"Type": "ipsec"}}\n', { path: 'node/kube-flannel.yml' });
  });

  it('fixes to wireguard-native (unsafe), keeping the comment and CRLF', () => {
    for (const eol of ['\n', '\r\n']) {
      const text = splitAnnotated(IPSEC).text.replace(/\n/g, eol);
      const [r] = lintText(text, opts).reports.filter((x) => x.ruleId === RULE);
      const fix = r!.fixes[0] as EditFix;
      assert.equal(fix.safe, false);
      const fixed = applyEdits(text, fix.edits);
      assert.equal(fixed, text.replace('flannel-backend: ipsec   #', 'flannel-backend: wireguard-native   #'));
      assert.equal(lintText(fixed, opts).reports.filter((x) => x.ruleId === RULE).length, 0);
    }
  });
});
