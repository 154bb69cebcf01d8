import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EditFix } from '../../../server/src/rules/rule';
import { applyEdits, expectFindings, expectMessage, lintText, splitAnnotated } from '../../helpers/ruleTester';
import { only } from './only';

const RULE = 'flannel/without-ip-masq';
const ROOT = join(__dirname, '..', '..', '..');
const opts = { path: 'node/kube-flannel-ds.yml' };
const ds = (container: string): string => `apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: kube-flannel-ds
spec:
  template:
    spec:
      hostNetwork: true
      containers:
${container}`;

const ARGS = `      - name: kube-flannel
              ^^^^^^^^^^^^ ${RULE}
        image: ghcr.io/flannel-io/flannel:v0.28.9
        command:
        - /opt/bin/flanneld
        args:
        # --ip-masq is handled by ip-masq-agent?
        - --kube-subnet-mgr
`;

describe(RULE, () => {
  it('fires on a flanneld container without --ip-masq', () => {
    const [r] = expectFindings([RULE], ds(ARGS), opts);
    assert.equal(r!.severity, 'info');
    expectMessage(r, 'noIpMasq', { container: 'kube-flannel' });
  });

  it('does not fire with --ip-masq anywhere, an explicit --ip-masq=false, FLANNELD_IP_MASQ, or on Windows', () => {
    const text = splitAnnotated(ds(ARGS)).text;
    expectFindings([RULE], text.replace('- --kube-subnet-mgr', '- --kube-subnet-mgr\n        - --ip-masq'), opts);
    expectFindings([RULE], text.replace('- --kube-subnet-mgr', '- --ip-masq=false\n        - --kube-subnet-mgr'), opts);
    expectFindings([RULE], `${text}        env:\n        - name: FLANNELD_IP_MASQ\n          value: "true"\n`, opts);
    expectFindings([RULE], ds('      - name: kube-flannel\n        image: flannel\n        command: ["/bin/sh", "-c", "exec /opt/bin/flanneld --ip-masq --kube-subnet-mgr"]\n'), opts);
    expectFindings([RULE], ds('      - name: kube-flannel\n        image: sigwindowstools/flannel:v0.13.0\n        command: ["powershell"]\n        args: ["-file", "/etc/kube-flannel-windows/run.ps1"]\n'), opts);
    expectFindings([RULE], ds('      - name: install-cni\n        image: ghcr.io/flannel-io/flannel:v0.28.9\n        command: ["cp"]\n        args: ["-f", "/etc/kube-flannel/cni-conf.json", "/etc/cni/net.d/10-flannel.conflist"]\n'), opts);
  });

  it('appends --ip-masq to args (unsafe), keeping comments and CRLF', () => {
    for (const eol of ['\n', '\r\n']) {
      const text = splitAnnotated(ds(ARGS)).text.replace(/\n/g, eol);
      const [r] = lintText(text, opts).reports.filter((x) => x.ruleId === RULE);
      const fix = r!.fixes[0] as EditFix;
      assert.equal(fix.safe, false);
      assert.equal(fix.title, "Add --ip-masq to kube-flannel's args");
      const fixed = applyEdits(text, fix.edits);
      assert.equal(fixed, text.replace(`- --kube-subnet-mgr${eol}`, `- --kube-subnet-mgr${eol}        - --ip-masq${eol}`));
      assert.equal(lintText(fixed, opts).reports.filter((x) => x.ruleId === RULE).length, 0);
    }
  });

  it('appends to command when the flags live there, and offers nothing for flags in a shell script', () => {
    const flow = `${splitAnnotated(ds('      - name: kube-flannel\n        image: quay.io/coreos/flannel:v0.9.0-amd64\n        command: [ "/opt/bin/flanneld", "--kube-subnet-mgr" ]\n')).text}`;
    const [r] = lintText(flow, opts).reports.filter((x) => x.ruleId === RULE);
    const fixed = applyEdits(flow, (r!.fixes[0] as EditFix).edits);
    assert.equal(fixed, flow.replace('"--kube-subnet-mgr" ]', '"--kube-subnet-mgr", --ip-masq ]'));
    assert.equal(lintText(fixed, opts).reports.filter((x) => x.ruleId === RULE).length, 0);
    const shell = ds('      - name: kube-flannel\n        image: flannel\n        command: ["/bin/sh", "-c", "exec /opt/bin/flanneld --kube-subnet-mgr"]\n');
    const [s] = lintText(shell, opts).reports.filter((x) => x.ruleId === RULE);
    assert.deepEqual(s!.fixes, []);
  });

  it('does not fire on any public flannel manifest (all pass --ip-masq)', () => {
    const dir = join(ROOT, 'test', 'fixtures', 'k8s', 'flannel');
    for (const f of readdirSync(dir)) assert.equal(lintText(readFileSync(join(dir, f), 'utf8'), { path: f, settings: only(RULE) }).reports.filter((r) => r.ruleId === RULE).length, 0, f);
  });
});
