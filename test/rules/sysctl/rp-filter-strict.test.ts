import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { applyEdits, expectFindings, expectMessage, onlyEditFix } from '../../helpers/ruleTester';
import { fixture, lintExample, onlyCommand, reportsOf } from './support';
import { scriptOf } from '../../helpers/commandFix';

const RULE = 'sysctl/rp-filter-strict';
const CALICO_IPT = { path: 'node/iptables-save.txt', text: '*filter\n:INPUT ACCEPT [0:0]\n:cali-INPUT - [0:0]\n-A INPUT -j cali-INPUT\nCOMMIT\n' };
const CILIUM_IPT = { path: 'node/iptables-save.txt', text: '*filter\n:FORWARD ACCEPT [0:0]\n:CILIUM_FORWARD - [0:0]\n-A FORWARD -j CILIUM_FORWARD\nCOMMIT\n' };
const SYSTEMD = 'sysctl/systemd-50-default.conf';

describe(RULE, () => {
  it('Calico: conf/all loose (2) is an error (Felix will not start), with a command fix on a dump', () => {
    const [r] = expectFindings(
      [RULE],
      `net.ipv4.conf.all.rp_filter = 2
^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ ${RULE}
net.ipv4.conf.cali1a2b3c4d5e6.rp_filter = 0
net.ipv4.conf.default.rp_filter = 2
`,
      { path: 'node/sysctl-a.txt' },
    );
    assert.equal(r!.severity, 'error');
    expectMessage(r, 'calicoLoose', { key: 'net.ipv4.conf.all.rp_filter' });
    assert.match(String(r!.data!.evidence), /Calico interface cali1a2b3c4d5e6/);
    assert.equal(
      scriptOf(onlyCommand(r!)),
      [
        '# Calico Felix does not start with loose reverse-path filtering on conf/all (or set Felix IgnoreLooseRPF: true instead).',
        'sysctl -w net.ipv4.conf.all.rp_filter=1',
        '# Persist it (applied at boot and by `sysctl --system`; a file read later, such as /etc/sysctl.conf, must not set it back):',
        "printf '%s\\n' 'net.ipv4.conf.all.rp_filter = 1' | tee /etc/sysctl.d/90-calico-rp-filter.conf >/dev/null",
      ].join('\n'),
    );
  });

  it('Calico: edits systemd 50-default.conf (rp_filter = 2) byte for byte, and the fixed file no longer fires', () => {
    const text = fixture(SYSTEMD);
    const opts = { path: 'node/usr/lib/sysctl.d/50-default.conf', node: [CALICO_IPT] };
    const [r] = reportsOf(RULE, text, opts);
    assert.ok(r);
    assert.equal(r.severity, 'error');
    const fix = onlyEditFix(r);
    assert.equal(fix.safe, false);
    const fixed = applyEdits(text, fix.edits);
    assert.equal(fixed, text.replace('# Source route verification\nnet.ipv4.conf.all.rp_filter = 2\n', '# Source route verification\nnet.ipv4.conf.all.rp_filter = 1\n'));
    assert.equal(reportsOf(RULE, fixed, opts).length, 0);
  });

  it('Cilium: lxc devices with reverse-path filtering on (effective = max(all, device))', () => {
    const [r] = expectFindings(
      [RULE],
      `net.ipv4.conf.all.rp_filter = 0
net.ipv4.conf.eth0.rp_filter = 2
net.ipv4.conf.lxc_health.rp_filter = 2
^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ ${RULE}
net.ipv4.conf.lxc8c2a1f.rp_filter = 2
`,
      { path: 'node/sysctl-a.txt' },
    );
    assert.equal(r!.severity, 'warning');
    expectMessage(r, 'ciliumDevices', { devices: '2 Cilium devices', names: 'lxc_health, lxc8c2a1f' });
    assert.equal(
      scriptOf(onlyCommand(r!)),
      [
        '# Cilium needs reverse-path filtering off on its lxc* devices.',
        'sysctl -w net.ipv4.conf.lxc_health.rp_filter=0',
        'sysctl -w net.ipv4.conf.lxc8c2a1f.rp_filter=0',
        '# Persist it for new devices (systemd-sysctl applies globs to interfaces as they appear):',
        "printf '%s\\n' 'net.ipv4.conf.lxc*.rp_filter = 0' | tee /etc/sysctl.d/99-override_cilium_rp_filter.conf >/dev/null",
      ].join('\n'),
    );
    // conf/all set: the finding is on it, since a per-device 0 cannot win against it.
    const [a] = expectFindings([RULE], `net.ipv4.conf.all.rp_filter = 1\n^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ ${RULE}\nnet.ipv4.conf.lxc8c2a1f.rp_filter = 0\n`, { path: 'node/sysctl-a.txt' });
    assert.match(scriptOf(onlyCommand(a!)), /sysctl -w net\.ipv4\.conf\.all\.rp_filter=0\n/);
  });

  it('Cilium: a sysctl.d glob that reaches new lxc devices gets the override line inserted after it', () => {
    const text = '# systemd 245\nnet.ipv4.conf.default.rp_filter = 2\nnet.ipv4.conf.*.rp_filter = 2\n-net.ipv4.conf.all.rp_filter\n';
    const annotated = text.replace('*.rp_filter = 2\n', `*.rp_filter = 2\n^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ ${RULE}\n`);
    expectFindings([RULE], annotated, { path: 'node/50-default.conf', node: [CILIUM_IPT] });
    const [r] = reportsOf(RULE, text, { path: 'node/50-default.conf', node: [CILIUM_IPT] });
    const fixed = applyEdits(text, onlyEditFix(r!).edits);
    assert.equal(fixed, '# systemd 245\nnet.ipv4.conf.default.rp_filter = 2\nnet.ipv4.conf.*.rp_filter = 2\nnet.ipv4.conf.lxc*.rp_filter = 0\n-net.ipv4.conf.all.rp_filter\n');
    assert.equal(reportsOf(RULE, fixed, { path: 'node/50-default.conf', node: [CILIUM_IPT] }).length, 0);
  });

  it('several uplinks in strict mode: info on conf/all, or on each strict uplink', () => {
    const [r] = expectFindings(
      [RULE],
      `net.ipv4.conf.all.rp_filter = 1
^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ ${RULE}
net.ipv4.conf.eth0.rp_filter = 0
net.ipv4.conf.eth1.rp_filter = 0
net.ipv4.conf.lo.rp_filter = 0
`,
      { path: 'node/sysctl-a.txt' },
    );
    assert.equal(r!.severity, 'info');
    assert.match(String(r!.messageId), /^(allStrictUplinks|uplinkStrict)$/);
    assert.deepEqual([r!.data!.uplinks, r!.data!.names], ['2 uplinks', 'eth0, eth1']);
    assert.match(scriptOf(onlyCommand(r!)), /sysctl -w net\.ipv4\.conf\.all\.rp_filter=2\n/);
    const [i] = expectFindings(
      [RULE],
      `net.ipv4.conf.all.rp_filter = 0
net.ipv4.conf.bond0.rp_filter = 0
net.ipv4.conf.ens5.rp_filter = 1
^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ ${RULE}
`,
      { path: 'node/sysctl-a.txt' },
    );
    assert.match(scriptOf(onlyCommand(i!)), /tee \/etc\/sysctl\.d\/90-rp-filter-ens5\.conf >\/dev\/null$/);
  });

  it('does not fire: one uplink, loose mode, Calico with strict mode, systemd defaults without a CNI, healthy nodes', () => {
    expectFindings([RULE], 'net.ipv4.conf.all.rp_filter = 1\nnet.ipv4.conf.eth0.rp_filter = 1\nnet.ipv4.conf.veth12ab.rp_filter = 1\nnet.ipv4.conf.cni0.rp_filter = 1\n', { path: 'node/sysctl-a.txt' });
    expectFindings([RULE], 'net.ipv4.conf.all.rp_filter = 2\nnet.ipv4.conf.eth0.rp_filter = 2\nnet.ipv4.conf.eth1.rp_filter = 2\n', { path: 'node/sysctl-a.txt' });
    expectFindings([RULE], 'net.ipv4.conf.all.rp_filter = 1\nnet.ipv4.conf.cali1.rp_filter = 0\nnet.ipv4.conf.eth0.rp_filter = 1\nnet.ipv4.conf.eth1.rp_filter = 1\n', { path: 'node/sysctl-a.txt' });
    expectFindings([RULE], fixture(SYSTEMD), { path: `test/fixtures/${SYSTEMD}` });
    expectFindings([RULE], fixture('sysctl/sysctl-a-nonroot-procps-4.0.2-kernel-6.18-real.txt'), { path: 'node/sysctl-a.txt' });
    assert.equal(lintExample('healthy-node', 'sysctl-a.txt').filter((r) => r.ruleId === RULE).length, 0);
  });
});
