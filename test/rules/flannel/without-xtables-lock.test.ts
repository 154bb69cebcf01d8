import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EditFix } from '../../../server/src/rules/rule';
import { applyEdits, expectFindings, expectMessage, lintText, splitAnnotated } from '../../helpers/ruleTester';
import { only } from './only';

const RULE = 'flannel/without-xtables-lock';
const ROOT = join(__dirname, '..', '..', '..');
const opts = { path: 'node/kube-flannel-ds.yml' };

const DS = `apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: kube-flannel-ds-amd64
spec:
  template:
    spec:
      hostNetwork: true
      containers:
      - name: kube-flannel
              ^^^^^^^^^^^^ ${RULE}
        image: quay.io/coreos/flannel:v0.12.0-amd64
        command:
        - /opt/bin/flanneld
        args:
        - --ip-masq
        - --kube-subnet-mgr
        volumeMounts:
        - name: run
          mountPath: /run/flannel
      volumes:
        # flannel state
        - name: run
          hostPath:
            path: /run/flannel
`;

describe(RULE, () => {
  it('fires on flanneld that mounts only /run/flannel', () => {
    const [r] = expectFindings([RULE], DS, opts);
    assert.equal(r!.severity, 'info');
    expectMessage(r, 'noLockMount', { container: 'kube-flannel', lock: '/run/xtables.lock' });
  });

  it('does not fire when the lock file or the whole host /run is mounted', () => {
    const text = splitAnnotated(DS).text;
    expectFindings([RULE], text.replace(/\/run\/flannel/g, '/run'), opts);
    expectFindings([RULE], text.replace('          mountPath: /run/flannel\n', '          mountPath: /run/flannel\n        - name: xtables-lock\n          mountPath: /run/xtables.lock\n') + '        - name: xtables-lock\n          hostPath:\n            path: /var/run/xtables.lock\n            type: FileOrCreate\n', opts);
  });

  it('adds the mount and the volume (safe), byte for byte, keeping comments, indentation and CRLF', () => {
    for (const eol of ['\n', '\r\n']) {
      const text = splitAnnotated(DS).text.replace(/\n/g, eol);
      const [r] = lintText(text, opts).reports.filter((x) => x.ruleId === RULE);
      const fix = r!.fixes[0] as EditFix;
      assert.equal(fix.safe, true);
      assert.equal(fix.title, "Mount the host's /run/xtables.lock into kube-flannel");
      const expected = `${splitAnnotated(DS)
        .text.replace('          mountPath: /run/flannel\n', '          mountPath: /run/flannel\n        - name: xtables-lock\n          mountPath: /run/xtables.lock\n          readOnly: false\n')}        - name: xtables-lock\n          hostPath:\n            path: /run/xtables.lock\n            type: FileOrCreate\n`.replace(/\n/g, eol);
      const fixed = applyEdits(text, fix.edits);
      assert.equal(fixed, expected);
      assert.equal(lintText(fixed, opts).reports.filter((x) => x.ruleId === RULE).length, 0);
    }
  });

  it('reuses an unmounted lock volume and only adds the mount', () => {
    const text = `${splitAnnotated(DS).text}        - name: lock\n          hostPath:\n            path: /run/xtables.lock\n`;
    const [r] = lintText(text, opts).reports.filter((x) => x.ruleId === RULE);
    const fixed = applyEdits(text, (r!.fixes[0] as EditFix).edits);
    assert.equal(fixed, text.replace('          mountPath: /run/flannel\n', '          mountPath: /run/flannel\n        - name: lock\n          mountPath: /run/xtables.lock\n          readOnly: false\n'));
  });

  it('fires once per flanneld of the 2019–2020 manifests and never on those that share the lock', () => {
    const dir = join(ROOT, 'test', 'fixtures', 'k8s', 'flannel');
    const counts = Object.fromEntries(
      readdirSync(dir)
        .sort()
        .map((f) => [f, lintText(readFileSync(join(dir, f), 'utf8'), { path: f, settings: only(RULE) }).reports.filter((r) => r.ruleId === RULE).length] as const)
        .filter(([, n]) => n > 0),
    );
    assert.deepEqual(counts, { 'flannel-2019-09-before-1.16.yml': 5, 'flannel-2019-09-mixed-win.yml': 5, 'flannel-v0.12.0.yml': 5, 'flannel-v0.13.0.yml': 1 });
  });
});
