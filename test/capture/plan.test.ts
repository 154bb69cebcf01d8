import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { forDevice, isPlanOutput, overlayDevices, PLAN } from '../../server/src/capture/plan';
import { detectKind } from '../../server/src/formats/detect';

/** Words that change state in the tools the plan may call (any of them in an argv fails the test). */
const MUTATING: Readonly<Record<string, readonly string[]>> = {
  iptables: ['-A', '--append', '-I', '--insert', '-D', '--delete', '-R', '--replace', '-F', '--flush', '-X', '--delete-chain', '-N', '--new-chain', '-P', '--policy', '-Z', '--zero', '-E', '--rename-chain'],
  nft: ['add', 'create', 'insert', 'replace', 'delete', 'destroy', 'flush', 'reset', 'rename', '-f', '--file', '-i', '--interactive'],
  ip: ['add', 'del', 'delete', 'set', 'change', 'replace', 'flush', 'append', 'prepend', 'save', 'restore', 'exec'],
  bridge: ['add', 'del', 'delete', 'set', 'change', 'replace', 'flush'],
  conntrack: ['-D', '--delete', '-F', '--flush', '-U', '--update', '-I', '--create', '-E', '--event', '-A', '--add'],
  ipvsadm: ['-A', '-E', '-D', '-C', '-R', '-S', '-a', '-e', '-d', '--set', '--start-daemon', '--stop-daemon', '-Z', '--zero', '--restore', '--clear'],
  ethtool: ['-K', '--features', '--offload', '-s', '--change', '-A', '--pause', '-C', '--coalesce', '-G', '--set-ring', '-L', '--set-channels', '-E', '--change-eeprom', '-f', '--flash', '-r', '--negotiate', '-p', '--identify', '-t', '--test', '-W', '--set-dump', '--reset'],
  sysctl: ['-w', '--write', '-p', '--load', '--system'],
  uname: [],
};
/** Programs that send traffic or run arbitrary text: never in the plan. */
const FORBIDDEN_PROGRAMS = ['sh', 'bash', 'ping', 'curl', 'nc', 'tcpdump', 'arping', 'iptables-restore', 'nft-restore', 'modprobe', 'insmod'];

function family(program: string): string {
  if (/^ip6?tables(?:-legacy|-nft)?(?:-save)?$/.test(program)) return 'iptables';
  return program;
}

describe('capture plan', () => {
  it('holds read-only commands only: no mutating verb, no shell, no traffic', () => {
    for (const e of PLAN) {
      const program = e.argv[0];
      assert.ok(!FORBIDDEN_PROGRAMS.includes(program), `${e.id} runs ${program}`);
      const mutating = MUTATING[family(program)];
      assert.ok(mutating, `${e.id}: ${program} is not a program the plan may run`);
      for (const arg of e.argv.slice(1)) {
        assert.ok(!mutating.includes(arg), `${e.id}: '${arg}' changes state (${e.argv.join(' ')})`);
        assert.ok(!arg.includes('='), `${e.id}: '${arg}' looks like an assignment`);
      }
    }
  });

  it('names every dump so that the detector reads it as the kind the plan says', () => {
    const samples: Record<string, string> = {
      iptables: '*nat\n:POSTROUTING ACCEPT [0:0]\n-A POSTROUTING -j MASQUERADE\nCOMMIT\n',
      conntrack: 'conntrack v1.4.7 (conntrack-tools): 0 flow entries have been shown.\n',
      sysctl: '6.1.0-18-amd64\n',
      ipvsadm: '',
      ethtool: '',
    };
    for (const e of PLAN) {
      if (!('file' in e.output) || !(e.kind in samples)) continue;
      const name = e.output.file.replace('{dev}', 'flannel.1');
      // The content alone says nothing (an empty ipvsadm list, a cut capture): the name must decide.
      assert.equal(detectKind('', name).kind, e.kind, `${name} with empty content`);
      if (samples[e.kind]) assert.equal(detectKind(samples[e.kind]!, name).kind, e.kind, name);
    }
  });

  it('writes each file name once and captures everything issue 16 lists', () => {
    const files = PLAN.flatMap((e) => ('file' in e.output ? [e.output.file] : []));
    assert.equal(new Set(files).size, files.length);
    const commands = PLAN.map((e) => e.argv.join(' '));
    for (const c of ['iptables-legacy-save', 'iptables-nft-save', 'ip6tables-legacy-save', 'ip6tables-nft-save', 'iptables -t nat -L -n -v -x', 'nft list ruleset', 'nft -a list ruleset', 'ipvsadm -Ln', 'ipvsadm -Ln --stats', 'ipvsadm -Ln --timeout', 'conntrack -S', 'conntrack -L', 'sysctl -a', 'uname -r', 'ip -d link show', 'ip -d addr show', 'ip rule show', 'bridge -d link show', 'ethtool -k {dev}', 'iptables -V', 'nft --version', 'conntrack --version', 'ipvsadm --version']) {
      assert.ok(commands.includes(c), c);
    }
    assert.equal(PLAN.find((e) => e.id === 'conntrack-list')?.lineCap, 'max-conntrack');
  });

  it('finds vxlan, geneve, wireguard and ipip devices in `ip -d link` output, and nothing else', () => {
    const text = [
      '1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN mode DEFAULT group default qlen 1000',
      '    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00 promiscuity 0  allmulti 0 minmtu 0 maxmtu 0 addrgenmode eui64',
      '2: flannel.1: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1450 qdisc noqueue state UNKNOWN mode DEFAULT group default',
      '    link/ether d6:cf:0e:b4:82:33 brd ff:ff:ff:ff:ff:ff promiscuity 0  allmulti 0 minmtu 68 maxmtu 65535 ',
      '    vxlan id 1 local 10.0.0.1 dev eth0 srcport 0 0 dstport 8472 nolearning ttl auto ageing 300 udpcsum addrgenmode eui64',
      '3: eth0@if2: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP mode DEFAULT group default qlen 1000',
      '    link/ether 92:93:e3:bd:05:3e brd ff:ff:ff:ff:ff:ff link-netns other promiscuity 0',
      '    veth addrgenmode eui64 numtxqueues 2 numrxqueues 2',
      '4: genev_sys_6081: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 65000 qdisc noqueue master ovs-system state UNKNOWN',
      '    link/ether 1e:2f:00:00:00:01 brd ff:ff:ff:ff:ff:ff promiscuity 1',
      '    geneve external id 0 ttl auto dstport 6081 udp6zerocsumrx ',
      '    openvswitch_slave addrgenmode eui64',
      '5: wg0: <POINTOPOINT,NOARP,UP,LOWER_UP> mtu 1420 qdisc noqueue state UNKNOWN mode DEFAULT group default qlen 1000',
      '    link/none  promiscuity 0',
      '    wireguard addrgenmode none',
      '6: tunl0@NONE: <NOARP,UP,LOWER_UP> mtu 1480 qdisc noqueue state UNKNOWN mode DEFAULT group default qlen 1000',
      '    link/ipip 0.0.0.0 brd 0.0.0.0 promiscuity 0',
      '    ipip any remote any local any ttl inherit nopmtudisc addrgenmode eui64',
      '7: br0: <BROADCAST,MULTICAST> mtu 1500 qdisc noop state DOWN',
      '    link/ether 00:11:22:33:44:55 brd ff:ff:ff:ff:ff:ff',
      '    bridge forward_delay 1500 hello_time 200 vxlan 1',
      '8: $(reboot)x: <BROADCAST> mtu 1500',
      '    link/ether 00:11:22:33:44:56 brd ff:ff:ff:ff:ff:ff',
      '    vxlan id 2 dstport 4789',
    ].join('\n');
    assert.deepEqual(overlayDevices(text), { devices: ['flannel.1', 'genev_sys_6081', 'wg0', 'tunl0'], refused: ['$(reboot)x'] });
    assert.deepEqual(overlayDevices(''), { devices: [], refused: [] });
    assert.deepEqual(overlayDevices('\u0000garbage\n    vxlan id 1\n'), { devices: [], refused: [] }, 'a kind line without a link header is nobody');
  });

  it('makes one concrete ethtool command per device, and recognises its files as plan outputs', () => {
    const entry = PLAN.find((e) => e.applies.when === 'per-overlay-device')!;
    const c = forDevice(entry, 'vxlan.calico');
    assert.deepEqual(c.argv, ['ethtool', '-k', 'vxlan.calico']);
    assert.deepEqual(c.output, { file: 'ethtool-k-vxlan.calico.txt' });
    assert.equal(c.id, 'ethtool-features:vxlan.calico');
    assert.ok(isPlanOutput(PLAN, 'ethtool-k-vxlan.calico.txt'));
    assert.ok(isPlanOutput(PLAN, 'sysctl-a.txt'));
    assert.ok(!isPlanOutput(PLAN, 'ethtool-k-.txt'));
    assert.ok(!isPlanOutput(PLAN, 'kube-proxy-cm.yaml'));
  });
});
