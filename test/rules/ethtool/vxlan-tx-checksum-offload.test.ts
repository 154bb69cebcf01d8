import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CommandFix } from '../../../server/src/rules/rule';
import { expectFindings, expectMessage, lintText, splitAnnotated, type NodeFile } from '../../helpers/ruleTester';
import { scriptOf } from '../../helpers/commandFix';

const RULE = 'ethtool/vxlan-tx-checksum-offload';
const ROOT = join(__dirname, '..', '..', '..');

const ON = `Features for flannel.1:
rx-checksumming: on
tx-checksumming: on
	tx-checksum-ipv4: off [fixed]
	tx-checksum-ip-generic: on
	                        ^^ ${RULE}
	tx-checksum-ipv6: off [fixed]
`;
const AFFECTED: NodeFile = { path: 'node/uname-r.txt', text: '4.15.0-101-generic\n' };
const OLD_FORM: NodeFile = {
  path: 'node/iptables-save.txt',
  text: `*nat
:POSTROUTING ACCEPT [0:0]
:KUBE-POSTROUTING - [0:0]
-A POSTROUTING -m comment --comment "kubernetes postrouting rules" -j KUBE-POSTROUTING
-A POSTROUTING -s 10.244.0.0/16 ! -d 224.0.0.0/4 -j MASQUERADE --random-fully
-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -m mark --mark 0x4000/0x4000 -j MASQUERADE --random-fully
COMMIT
`,
};
const NEW_FORM: NodeFile = {
  path: 'node/iptables-save.txt',
  text: `*nat
:POSTROUTING ACCEPT [0:0]
:KUBE-POSTROUTING - [0:0]
-A POSTROUTING -m comment --comment "kubernetes postrouting rules" -j KUBE-POSTROUTING
-A POSTROUTING -s 10.244.0.0/16 ! -d 224.0.0.0/4 -j MASQUERADE --random-fully
-A POSTROUTING ! -s 10.244.0.0/16 -d 10.244.0.0/16 -j MASQUERADE --random-fully
-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN
-A KUBE-POSTROUTING -j MARK --set-xmark 0x4000/0x0
-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE --random-fully
COMMIT
`,
};

const opts = (node: NodeFile[], kernel?: string) => ({ path: 'node/ethtool-k.txt', node, ...(kernel ? { settings: { facts: { kernelVersion: kernel } } } : {}) });

describe(RULE, () => {
  it('fires as a warning on an affected kernel with the old KUBE-POSTROUTING masquerade, pointing at both', () => {
    const [r] = expectFindings([RULE], ON, opts([AFFECTED, OLD_FORM]));
    assert.equal(r!.severity, 'warning');
    expectMessage(r, 'offloadOn', { device: 'flannel.1', feature: 'tx-checksum-ip-generic' });
    assert.match(String(r!.data!.exposure), /Kernel 4\.15\.0-101-generic \(from node\/uname-r\.txt\) has the bug \(Ubuntu kernel 4\.15\.0-101-generic predates 4\.15\.0-107/);
    assert.match(String(r!.data!.exposure), /old-form KUBE-POSTROUTING rule "-m mark --mark 0x4000\/0x4000 -j MASQUERADE --random-fully" \(node\/iptables-save\.txt:6\)/);
    assert.deepEqual(
      r!.related.map((x) => [x.document.path, x.document.text.slice(x.span.start, x.span.end), x.message]),
      [
        ['node/uname-r.txt', '4.15.0-101-generic', 'kernel 4.15.0-101-generic'],
        ['node/iptables-save.txt', 'MASQUERADE', 'old-form KUBE-POSTROUTING masquerade (NATs the outer VXLAN packet)'],
      ],
    );
  });

  it('treats an unrestricted MASQUERADE --random-fully as a trigger, flannel\'s pod-CIDR rules and the new KUBE-POSTROUTING form not', () => {
    const catchAll: NodeFile = { path: 'node/ipt.txt', text: '*nat\n:POSTROUTING ACCEPT [0:0]\n-A POSTROUTING -o eth0 -j MASQUERADE --random-fully\nCOMMIT\n' };
    const [a] = expectFindings([RULE], ON, opts([AFFECTED, catchAll]));
    assert.equal(a!.severity, 'warning');
    assert.match(String(a!.data!.exposure), /MASQUERADE --random-fully in POSTROUTING without a source or destination match \(node\/ipt\.txt:3\)/);
    const [b] = expectFindings([RULE], ON, opts([AFFECTED, NEW_FORM]));
    assert.equal(b!.severity, 'info');
    assert.match(String(b!.data!.exposure), /No rule in node\/iptables-save\.txt NATs the outer VXLAN packet with --random-fully right now .* so the bug is latent/);
    const toVxlan: NodeFile = { path: 'node/ipt.txt', text: '*nat\n:POSTROUTING ACCEPT [0:0]\n-A POSTROUTING -o flannel.1 -j MASQUERADE --random-fully\nCOMMIT\n' };
    assert.equal(expectFindings([RULE], ON, opts([AFFECTED, toVxlan]))[0]!.severity, 'info');
  });

  it('is info on an affected kernel when no iptables dump shows the trigger, and says how to check', () => {
    const [r] = expectFindings([RULE], ON, opts([AFFECTED]));
    assert.equal(r!.severity, 'info');
    assert.match(String(r!.data!.exposure), /Add the node's iptables-save to this folder/);
  });

  it('downgrades to info and names the fixed versions when the kernel is unknown or a distribution kernel hides it', () => {
    const [r] = expectFindings([RULE], ON, opts([OLD_FORM]));
    assert.equal(r!.severity, 'info');
    assert.match(String(r!.data!.exposure), /The kernel version is unknown: the bug is fixed in 5\.7, or 5\.6\.13 \/ 5\.4\.41 \/ 4\.19\.123 \/ 4\.14\.181/);
    assert.match(String(r!.data!.exposure), /kubeNetlint\.facts\.kernelVersion/);
    const [d] = expectFindings([RULE], ON, opts([OLD_FORM], '4.19.0-17-amd64'));
    assert.equal(d!.severity, 'info');
    assert.match(String(d!.data!.exposure), /Whether kernel 4\.19\.0-17-amd64 \(from setting kernelVersion\) has the fix is unknown \(distribution kernel/);
  });

  it('does not fire on a kernel with the fix (mainline, stable back-port, Ubuntu ABI)', () => {
    const text = splitAnnotated(ON).text;
    for (const k of ['5.7.0', '6.1.0-27-amd64', '5.4.41', '4.19.123', '4.14.181', '4.15.0-107-generic', '5.4.0-32-generic']) {
      expectFindings([RULE], text, opts([OLD_FORM], k));
    }
    expectFindings([RULE], text, opts([OLD_FORM, { path: 'node/uname-r.txt', text: '5.4.0-107-generic\n' }]));
  });

  it('does not fire when the offload is off, on non-VXLAN devices, or when the paste shows it turned off afterwards', () => {
    const opt = opts([AFFECTED, OLD_FORM]);
    expectFindings([RULE], 'Features for flannel.1:\ntx-checksumming: off\n\ttx-checksum-ip-generic: off\n', opt);
    expectFindings([RULE], 'Features for eth0:\ntx-checksumming: on\n\ttx-checksum-ip-generic: on\nFeatures for veth12ab:\n\ttx-checksum-ip-generic: on\n', opt);
    expectFindings([RULE], `${splitAnnotated(ON).text}Features for flannel.1:\ntx-checksumming: off\n\ttx-checksum-ip-generic: off\n`, opt);
    expectFindings([RULE], `${splitAnnotated(ON).text}root@node:~# ethtool -K flannel.1 tx-checksum-ip-generic off\nActual changes:\ntx-checksum-ip-generic: off\n`, opt);
  });

  it('offers the ethtool command and the flannel udev rule as one script', () => {
    const [r] = expectFindings([RULE], ON, opts([AFFECTED, OLD_FORM]));
    assert.equal(r!.fixes.length, 1);
    const fix = r!.fixes[0] as CommandFix;
    assert.equal(fix.kind, 'command');
    assert.equal(fix.title, 'Turn off TX checksum offload on flannel.1 now and on every re-creation (ethtool + udev rule)');
    assert.equal(
      scriptOf(fix),
      `# Turn TX checksum offload off on flannel.1 now (lost when the device is re-created or the node reboots):
ethtool -K flannel.1 tx-checksum-ip-generic off
# Keep it off: udev rule (flannel Documentation/troubleshooting.md) that runs whenever flannel.1 appears.
printf '%s\\n' 'SUBSYSTEM=="net", ACTION=="add|change|move", ENV{INTERFACE}=="flannel.1", RUN+="/usr/sbin/ethtool -K flannel.1 tx-checksum-ip-generic off"' | tee /etc/udev/rules.d/90-flannel.rules >/dev/null
udevadm control --reload-rules`,
    );
  });

  it('covers other VXLAN CNIs and old ethtool output (group name only → `tx off`)', () => {
    const [calico] = expectFindings(
      [RULE],
      `Features for vxlan.calico:
tx-checksumming: on
	tx-checksum-ip-generic: on
	                        ^^ ${RULE}
`,
      opts([AFFECTED, OLD_FORM]),
    );
    assert.match(scriptOf(calico!.fixes[0] as CommandFix), /^printf '%s\\n' 'SUBSYSTEM=="net", ACTION=="add\|change\|move", ENV\{INTERFACE\}=="vxlan\.calico", RUN\+="\/usr\/sbin\/ethtool -K vxlan\.calico tx-checksum-ip-generic off"' \| tee \/etc\/udev\/rules\.d\/90-vxlan\.calico-offload\.rules >\/dev\/null$/m);
    const [old] = expectFindings(
      [RULE],
      `Offload parameters for flannel.1:
rx-checksumming: on
tx-checksumming: on
                 ^^ ${RULE}
scatter-gather: on
`,
      opts([AFFECTED, OLD_FORM]),
    );
    assert.match(scriptOf(old!.fixes[0] as CommandFix), /^ethtool -K flannel\.1 tx off$/m);
  });

  it('names a headerless paste after its prompt line or file name', () => {
    const text = `root@node:~# ethtool -k flannel.1
tx-checksumming: on
	tx-checksum-ip-generic: on
	                        ^^ ${RULE}
`;
    expectFindings([RULE], text, { ...opts([AFFECTED, OLD_FORM]), kind: 'ethtool' });
    expectFindings([RULE], `tx-checksumming: on\n\ttx-checksum-ip-generic: on\n\t                        ^^ ${RULE}\n`, { ...opts([AFFECTED, OLD_FORM]), path: 'node/ethtool-k-flannel.1.txt', kind: 'ethtool' });
  });

  it('offers no command when the driver marks the feature [fixed]', () => {
    const [r] = expectFindings([RULE], `Features for flannel.1:\ntx-checksumming: on\n\ttx-checksum-ip-generic: on [fixed]\n\t                        ^^ ${RULE}\n`, opts([AFFECTED, OLD_FORM]));
    assert.equal(r!.fixes.length, 0);
    expectMessage(r, 'offloadFixedByDriver', { device: 'flannel.1' });
  });

  it('fires on the 63 s incident node and not on the healthy node', () => {
    const folder = (name: string): NodeFile[] => readdirSync(join(ROOT, 'examples', name)).map((f) => ({ path: `examples/${name}/${f}`, text: readFileSync(join(ROOT, 'examples', name, f), 'utf8') }));
    const incident = folder('vxlan-63s-delay');
    const dump = incident.find((f) => f.path.endsWith('ethtool-k-flannel.1.txt'))!;
    const reports = lintText(dump.text, { path: dump.path, node: incident.filter((f) => f !== dump) }).reports.filter((r) => r.ruleId === RULE);
    assert.equal(reports.length, 1);
    assert.equal(reports[0]!.severity, 'warning');
    const healthy = folder('healthy-node');
    for (const f of healthy) {
      // None of the ethtool, flannel or k3s rules fires on the healthy node (kernel 6.1, offload off).
      const found = lintText(f.text, { path: f.path, node: healthy.filter((x) => x !== f) }).reports.filter((r) => /^(?:ethtool|flannel|k3s)\//.test(r.ruleId));
      assert.deepEqual(found, [], f.path);
    }
  });

  it('fires on exactly the real dumps whose flannel.1 still has offload on', () => {
    const dir = join(ROOT, 'test', 'fixtures', 'ethtool');
    const firing = readdirSync(dir)
      .filter((f) => f.endsWith('.txt'))
      .filter((f) => lintText(readFileSync(join(dir, f), 'utf8'), { path: f, kind: 'ethtool' }).reports.some((r) => r.ruleId === RULE))
      .sort();
    assert.deepEqual(firing, ['flannel.1-vxlan-real.txt', 'public-flannel.1-old-kernel-ufo-8-space-indent.txt', 'three-interfaces-concatenated-real.txt']);
  });
});
