import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument } from '../../../server/src/node/document';
import { lintDocument, type Report } from '../../../server/src/engine/lint';
import { createSnapshot } from '../../../server/src/node/snapshot';
import type { CommandFix, EditFix } from '../../../server/src/rules/rule';
import { applyEdits, expectFindings, expectMessage, lintText, splitAnnotated, type NodeFile } from '../../helpers/ruleTester';
import { only } from './only';
import { scriptOf } from '../../helpers/commandFix';

const RULE = 'flannel/vxlan-without-offload-fix';
const ROOT = join(__dirname, '..', '..', '..');

const AFFECTED: NodeFile = { path: 'node/uname-r.txt', text: '4.15.0-101-generic\n' };
const OLD_FORM: NodeFile = {
  path: 'node/iptables-save.txt',
  text: '*nat\n:KUBE-POSTROUTING - [0:0]\n-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -m mark --mark 0x4000/0x4000 -j MASQUERADE --random-fully\nCOMMIT\n',
};
const NODE = { path: 'node/kube-flannel.yml', node: [AFFECTED, OLD_FORM] };

const CM = `# flannel configuration as deployed (comments must survive fixes)
kind: ConfigMap
apiVersion: v1
metadata:
  name: kube-flannel-cfg
  namespace: kube-flannel
data:
  net-conf.json: |
    {
      "Network": "10.244.0.0/16",
      "Backend": {
        "Type": "vxlan"
                ^^^^^^^ ${RULE}
      }
    }
`;

const DS = `---
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: kube-flannel-ds
  namespace: kube-flannel
spec:
  selector:
    matchLabels:
      app: flannel
  template:
    metadata:
      labels:
        app: flannel
    spec:
      hostNetwork: true
      containers:
      - name: kube-flannel
        image: ghcr.io/flannel-io/flannel:v0.28.9 # pinned on purpose
        command:
        - /opt/bin/flanneld
        args:
        - --ip-masq
        - --kube-subnet-mgr
        volumeMounts:
        - name: run
          mountPath: /run/flannel
        - name: xtables-lock
          mountPath: /run/xtables.lock
      volumes:
      - name: run
        hostPath:
          path: /run/flannel
      - name: xtables-lock
        hostPath:
          path: /run/xtables.lock
          type: FileOrCreate
`;

const SIDECAR = `      - name: vxlan-tx-checksum-off
        image: ghcr.io/flannel-io/flannel:v0.28.9
        command:
        - /bin/sh
        - -c
        - trap exit TERM; while :; do if [ -e /sys/class/net/flannel.1 ]; then chroot /host ethtool -K flannel.1 tx-checksum-ip-generic off || echo cannot run ethtool of the node through /host; fi; sleep 10 & wait $!; done
        resources:
          requests:
            cpu: 5m
            memory: 8Mi
        securityContext:
          capabilities:
            add:
            - NET_ADMIN
            - SYS_CHROOT
        volumeMounts:
        - name: host-root
          mountPath: /host
          readOnly: true
`;
const ROOT_VOLUME = `      - name: host-root
        hostPath:
          path: /
          type: Directory
`;
const FIXED_DS = DS.replace('      volumes:\n', `${SIDECAR}      volumes:\n`) + ROOT_VOLUME;

const edit = (r: Report, title: RegExp): EditFix => {
  const f = r.fixes.find((x): x is EditFix => x.kind === 'edit' && title.test(x.title));
  assert.ok(f, `no edit fix matching ${title} in ${r.fixes.map((x) => x.title).join(' | ')}`);
  return f;
};
const fires = (text: string, options: Parameters<typeof lintText>[1] = NODE): Report[] => lintText(text, options).reports.filter((r) => r.ruleId === RULE);

describe(RULE, () => {
  it('fires on a vxlan ConfigMap on an affected kernel with the trigger, as a warning with the evidence', () => {
    const [r] = expectFindings([RULE], CM, NODE);
    assert.equal(r!.severity, 'warning');
    expectMessage(r, 'noOffloadWorkaround', { backend: 'flannel uses the vxlan backend (net-conf.json Backend.Type "vxlan")', device: 'flannel.1' });
    assert.match(String(r!.data!.exposure), /Kernel 4\.15\.0-101-generic \(from node\/uname-r\.txt\) has the bug/);
    assert.deepEqual(
      r!.related.map((x) => x.message),
      ['kernel 4.15.0-101-generic', 'old-form KUBE-POSTROUTING masquerade (NATs the outer VXLAN packet)'],
    );
  });

  it('ConfigMap only: offers host-gw (unsafe) and the node command; the host-gw edit changes only the type', () => {
    const [r] = expectFindings([RULE], CM, NODE);
    assert.deepEqual(
      r!.fixes.map((f) => [f.kind, f.kind === 'edit' ? f.safe : 'n/a']),
      [
        ['edit', false],
        ['command', 'n/a'],
      ],
    );
    const text = splitAnnotated(CM).text;
    const fixed = applyEdits(text, edit(r!, /host-gw/).edits);
    assert.equal(fixed, text.replace('"Type": "vxlan"', '"Type": "host-gw"'));
    assert.deepEqual(fires(fixed), []);
    const cmd = r!.fixes.find((f): f is CommandFix => f.kind === 'command')!;
    assert.equal(cmd.title, 'Turn off TX checksum offload on flannel.1 on every node (ethtool now + udev rule)');
    assert.equal(
      scriptOf(cmd),
      `# Turn TX checksum offload off on flannel.1 now (lost when the device is re-created or the node reboots):
ethtool -K flannel.1 tx-checksum-ip-generic off
# Keep it off: udev rule (flannel Documentation/troubleshooting.md) that runs whenever flannel.1 appears.
printf '%s\\n' 'SUBSYSTEM=="net", ACTION=="add|change|move", ENV{INTERFACE}=="flannel.1", RUN+="/usr/sbin/ethtool -K flannel.1 tx-checksum-ip-generic off"' | tee /etc/udev/rules.d/90-flannel.rules >/dev/null
udevadm control --reload-rules`,
    );
  });

  it('DaemonSet in the file: adds the sidecar (safe) with the DaemonSet image, byte for byte, and then stops firing', () => {
    const annotated = CM + DS;
    const [r] = expectFindings([RULE], annotated, NODE);
    const fix = edit(r!, /sidecar/);
    assert.equal(fix.safe, true);
    assert.equal(fix.title, 'Add a sidecar to the flannel DaemonSet that keeps TX checksum offload off on flannel.1');
    assert.equal(r!.fixes.some((f) => f.kind === 'command'), false, 'the sidecar replaces the node command');
    assert.equal(edit(r!, /host-gw/).safe, false);
    const text = splitAnnotated(annotated).text;
    const fixed = applyEdits(text, fix.edits);
    assert.equal(fixed, splitAnnotated(CM).text + FIXED_DS);
    assert.deepEqual(fires(fixed), []);
  });

  it('keeps CRLF line endings and comments when adding the sidecar', () => {
    const crlf = (s: string): string => s.replace(/\n/g, '\r\n');
    const text = crlf(splitAnnotated(CM).text + DS);
    const [r] = fires(text);
    const fixed = applyEdits(text, edit(r!, /sidecar/).edits);
    assert.equal(fixed, crlf(splitAnnotated(CM).text + FIXED_DS));
    assert.deepEqual(fires(fixed), []);
  });

  it('reuses an existing hostPath "/" volume and picks free names', () => {
    const ds = DS.replace('      - name: kube-flannel\n', '      - name: vxlan-tx-checksum-off\n        image: busybox\n      - name: kube-flannel\n').replace('      - name: run\n        hostPath:\n          path: /run/flannel\n', '      - name: rootfs\n        hostPath:\n          path: /\n      - name: run\n        hostPath:\n          path: /run/flannel\n');
    const text = splitAnnotated(CM).text + ds;
    const [r] = fires(text);
    const fixed = applyEdits(text, edit(r!, /sidecar/).edits);
    assert.match(fixed, /      - name: vxlan-tx-checksum-off-2\n/);
    assert.match(fixed, /        - name: rootfs\n          mountPath: \/host\n          readOnly: true\n/);
    assert.doesNotMatch(fixed, /host-root/);
    assert.deepEqual(fires(fixed), []);
  });

  it('recognises the workaround in a lifecycle hook, a sidecar or an init script, but not in a comment', () => {
    const withHook = DS.replace(
      '        volumeMounts:\n        - name: run\n',
      '        lifecycle:\n          postStart:\n            exec:\n              command: ["/bin/sh", "-c", "until [ -e /sys/class/net/flannel.1 ]; do sleep 1; done; ethtool -K flannel.1 tx-checksum-ip-generic off"]\n        volumeMounts:\n        - name: run\n',
    );
    assert.deepEqual(fires(splitAnnotated(CM).text + withHook), []);
    const withVar = DS.replace('      volumes:\n', '      - name: offload\n        image: nicolaka/netshoot\n        command: ["sh", "-c", "while true; do ethtool --offload \\"$IFACE\\" rx off tx off; sleep 30; done"]\n      volumes:\n');
    assert.deepEqual(fires(splitAnnotated(CM).text + withVar), []);
    const commented = DS.replace('      volumes:\n', '      # TODO: ethtool -K flannel.1 tx-checksum-ip-generic off\n      volumes:\n');
    expectFindings([RULE], CM + commented, NODE);
    const otherFeature = DS.replace('      volumes:\n', '      - name: gro\n        image: x\n        command: ["ethtool", "-K", "flannel.1", "gro", "off"]\n        args: ["ethtool -K flannel.1 gro off"]\n      volumes:\n');
    expectFindings([RULE], CM + otherFeature, NODE);
  });

  it('looks at the DaemonSet in another manifest of the node', () => {
    const fixedDs: NodeFile = { path: 'node/kube-flannel-ds.yml', text: FIXED_DS };
    expectFindings([RULE], splitAnnotated(CM).text, { path: NODE.path, node: [...NODE.node, fixedDs] });
    const plainDs: NodeFile = { path: 'node/kube-flannel-ds.yml', text: DS };
    const [r] = expectFindings([RULE], CM, { path: NODE.path, node: [...NODE.node, plainDs] });
    assert.match(String(r!.data!.details), /The flannel DaemonSet is in node\/kube-flannel-ds\.yml: the sidecar fix is offered there\./);
    // ... and the DaemonSet file itself has no net-conf.json, so it reports nothing.
    expectFindings([RULE], DS, { path: 'node/kube-flannel-ds.yml', node: [...NODE.node, { path: NODE.path, text: splitAnnotated(CM).text }] });
  });

  it('uses flannel.<VNI> as the device', () => {
    const cm = CM.replace('"Backend": {\n', '"Backend": {\n        "VNI": 4096,\n');
    const [r] = expectFindings([RULE], cm, NODE);
    expectMessage(r, 'noOffloadWorkaround', { device: 'flannel.4096' });
    assert.match(scriptOf(r!.fixes.find((f) => f.kind === 'command') as CommandFix), /^ethtool -K flannel\.4096 tx-checksum-ip-generic off$/m);
  });

  it('does not fire for other backends or on a fixed kernel', () => {
    const text = splitAnnotated(CM).text;
    expectFindings([RULE], text.replace('"vxlan"', '"host-gw"'), NODE);
    expectFindings([RULE], text.replace('"vxlan"', '"wireguard"'), NODE);
    expectFindings([RULE], text, { path: NODE.path, node: [OLD_FORM, { path: 'node/uname-r.txt', text: '5.4.0-107-generic\n' }] });
    expectFindings([RULE], text, { path: NODE.path, node: [OLD_FORM], settings: { facts: { kernelVersion: '5.10.0' } } });
  });

  it('downgrades for an unknown kernel, a missing Backend (ambiguous) and a node whose dump already shows offload off', () => {
    const [unknown] = expectFindings([RULE], CM, { path: NODE.path, node: [OLD_FORM] });
    assert.equal(unknown!.severity, 'info');
    assert.match(String(unknown!.data!.exposure), /The kernel version is unknown: the bug is fixed in 5\.7/);
    const noBackend = `kind: ConfigMap
apiVersion: v1
metadata:
  name: kube-flannel-cfg
data:
  net-conf.json: |
  ^^^^^^^^^^^^^ ${RULE}
    { "Network": "10.244.0.0/16" }
`;
    const [ambiguous] = expectFindings([RULE], noBackend, NODE);
    assert.equal(ambiguous!.severity, 'info');
    expectMessage(ambiguous, 'noOffloadWorkaround', { backend: 'flannel may use the vxlan backend (net-conf.json has no Backend type)' });
    assert.match(String(ambiguous!.data!.details), /falls back to udp, so whether this cluster runs vxlan is ambiguous/);
    const off: NodeFile = { path: 'node/ethtool-k.txt', text: 'Features for flannel.1:\ntx-checksumming: off\n\ttx-checksum-ip-generic: off\n' };
    const [observed] = expectFindings([RULE], CM, { path: NODE.path, node: [...NODE.node, off] });
    assert.equal(observed!.severity, 'info');
    assert.match(String(observed!.data!.details), /This node's node\/ethtool-k\.txt shows flannel\.1 with TX checksum offload already off/);
    assert.equal(observed!.related.at(-1)?.message, 'flannel.1: TX checksum offload off on this node');
  });

  it('inserts the Backend when net-conf.json has none (host-gw fix)', () => {
    const text = 'kind: ConfigMap\napiVersion: v1\nmetadata:\n  name: kube-flannel-cfg\ndata:\n  net-conf.json: |\n    {\n      "Network": "10.244.0.0/16"\n    }\n';
    const [r] = fires(text);
    const fixed = applyEdits(text, edit(r!, /host-gw/).edits);
    assert.equal(fixed, 'kind: ConfigMap\napiVersion: v1\nmetadata:\n  name: kube-flannel-cfg\ndata:\n  net-conf.json: |\n    {\n      "Network": "10.244.0.0/16",\n      "Backend": {\n        "Type": "host-gw"\n      }\n    }\n');
    assert.deepEqual(fires(fixed), []);
  });

  it('k3s: fires on the default and explicit vxlan backend with the node command and a host-gw edit', () => {
    const [dflt] = expectFindings(
      [RULE],
      `write-kubeconfig-mode: "0644"
^^^^^^^^^^^^^^^^^^^^^ ${RULE}
cluster-cidr: 10.42.0.0/16
`,
      { ...NODE, path: 'node/config.yaml' },
    );
    expectMessage(dflt, 'noOffloadWorkaround');
    assert.match(String(dflt!.data!.backend), /k3s runs flannel with its default vxlan backend/);
    const text = 'write-kubeconfig-mode: "0644"\ncluster-cidr: 10.42.0.0/16\n';
    assert.equal(applyEdits(text, edit(dflt!, /host-gw/).edits), `${text}flannel-backend: host-gw\n`);
    assert.equal(dflt!.fixes.filter((f) => f.kind === 'command').length, 1);
    const [explicit] = expectFindings([RULE], `flannel-backend: vxlan # default\n                 ^^^^^ ${RULE}\n`, { ...NODE, path: 'node/config.yaml' });
    assert.equal(applyEdits('flannel-backend: vxlan # default\n', edit(explicit!, /host-gw/).edits), 'flannel-backend: host-gw # default\n');
    expectFindings([RULE], 'flannel-backend: wireguard-native\n', { ...NODE, path: 'node/config.yaml' });
  });

  it('falls back to the node command when the DaemonSet cannot take the sidecar (no hostNetwork)', () => {
    const [r] = expectFindings([RULE], CM + DS.replace('      hostNetwork: true\n', ''), NODE);
    assert.deepEqual(r!.fixes.map((f) => f.kind), ['edit', 'command']);
    assert.match(r!.fixes[0]!.title, /host-gw/);
  });

  it('marks the sidecar unsafe when a PodSecurityPolicy in the file restricts host paths', () => {
    const psp = `---
apiVersion: policy/v1beta1
kind: PodSecurityPolicy
metadata:
  name: psp.flannel.unprivileged
spec:
  allowedHostPaths:
    - pathPrefix: "/run/flannel"
`;
    const [r] = expectFindings([RULE], CM + psp + DS, NODE);
    assert.equal(edit(r!, /sidecar/).safe, false);
    assert.match(String(r!.data!.details), /The PodSecurityPolicy psp\.flannel\.unprivileged in this file restricts host paths/);
  });

  it('fires on the 63 s incident node, with host-gw and the node command (the folder has only the ConfigMap)', () => {
    const dir = join(ROOT, 'examples', 'vxlan-63s-delay');
    const files = readdirSync(dir).map((f) => ({ path: `examples/vxlan-63s-delay/${f}`, text: readFileSync(join(dir, f), 'utf8') }));
    const cm = files.find((f) => f.path.endsWith('kube-flannel-cfg.yaml'))!;
    const [r, ...rest] = fires(cm.text, { path: cm.path, node: files.filter((f) => f !== cm) });
    assert.equal(rest.length, 0);
    assert.equal(r!.severity, 'warning');
    assert.deepEqual(r!.fixes.map((f) => f.kind), ['edit', 'command']);
  });

  it('fires on every public vxlan manifest (none carries the workaround) and its sidecar fix applies cleanly', () => {
    const dir = join(ROOT, 'test', 'fixtures', 'k8s', 'flannel');
    const firing: string[] = [];
    for (const f of readdirSync(dir).sort()) {
      const text = readFileSync(join(dir, f), 'utf8');
      const reports = fires(text, { path: f, settings: only(RULE) });
      if (reports.length === 0) continue;
      firing.push(f);
      assert.equal(reports.length, 1, f);
      assert.equal(reports[0]!.severity, 'info', `${f}: kernel unknown`);
      const fix = edit(reports[0]!, /sidecar/);
      const fixed = applyEdits(text, fix.edits);
      const after = lintText(fixed, { path: f, settings: only(RULE) });
      assert.deepEqual(after.reports.filter((r) => r.ruleId === RULE || r.ruleId.startsWith('parse/')), [], `${f} after the fix`);
      assert.equal(fixed.length - text.length, fix.edits.reduce((n, e) => n + e.newText.length, 0), `${f}: insertions only`);
    }
    assert.deepEqual(firing, [
      'flannel-2016-08-first-kube-flannel.yml',
      'flannel-2019-01-old.yaml',
      'flannel-2019-09-before-1.16.yml',
      'flannel-2019-09-mixed-win.yml',
      'flannel-2026-02-psp.yml',
      'flannel-v0.11.0-multiarch.yml',
      'flannel-v0.12.0.yml',
      'flannel-v0.13.0.yml',
      'flannel-v0.20.0-kube-flannel-ns.yml',
      'flannel-v0.25.0.yml',
      'flannel-v0.28.9-latest.yml',
      'flannel-v0.9.0-kube-flannel.yml',
      'flannel-v0.9.0-legacy.yml',
    ]);
  });

  it('never throws on mutated manifests and keeps findings and edits inside the text (all flannel/k3s/ethtool rules)', () => {
    const sources = ['flannel-v0.28.9-latest.yml', 'flannel-v0.9.0-legacy.yml'].map((f) => readFileSync(join(ROOT, 'test', 'fixtures', 'k8s', 'flannel', f), 'utf8'));
    sources.push(splitAnnotated(CM).text + DS, 'flannel-backend: ipsec\ncluster-cidr: 10.42.0.0/16\n');
    const others = [parseDocument({ uri: AFFECTED.path, path: AFFECTED.path, text: AFFECTED.text }), parseDocument({ uri: OLD_FORM.path, path: OLD_FORM.path, text: OLD_FORM.text })];
    const pieces = ['', ' ', '\n', '\r\n', '\t', '"', ':', '- ', '#', '{', '}', '[', 'ethtool -K flannel.1 tx off', 'vxlan', '\u0000'];
    fc.assert(
      fc.property(fc.constantFrom(...sources), fc.array(fc.tuple(fc.nat(), fc.nat(20), fc.constantFrom(...pieces)), { maxLength: 6 }), (source, mutations) => {
        let text = source;
        for (const [at, del, ins] of mutations) {
          const p = at % (text.length + 1);
          text = text.slice(0, p) + ins + text.slice(p + del);
        }
        const doc = parseDocument({ uri: 'node/m.yml', path: 'node/m.yml', text, kind: 'k8s' });
        const crashed: string[] = [];
        const reports = lintDocument(doc, createSnapshot('node', [doc, ...others], {}), { rules: {}, facts: {} }, { onRuleError: (id) => crashed.push(id) });
        assert.deepEqual(crashed.filter((id) => /^(?:flannel|k3s|ethtool)\//.test(id)), []);
        for (const r of reports) {
          assert.ok(r.span.start >= 0 && r.span.start <= r.span.end && r.span.end <= text.length, r.ruleId);
          for (const f of r.fixes) if (f.kind === 'edit') for (const e of f.edits) assert.ok(e.span.start >= 0 && e.span.start <= e.span.end && e.span.end <= text.length, r.ruleId);
        }
      }),
      { numRuns: 60 },
    );
  });
});
