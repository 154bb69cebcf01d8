import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { expectFindings, expectMessage, lintText } from '../../helpers/ruleTester';
import { commandScriptOf } from '../../helpers/commandFix';

const RULE = 'conntrack/syn-sent-unreplied';

const script = commandScriptOf;

/** A connection attempt from a pod to a ClusterIP, DNATed to `pod`, never answered. */
const syn = (port: number, pod: string, service = '10.96.0.20'): string =>
  `tcp      6 117 SYN_SENT src=10.244.1.5 dst=${service} sport=${port} dport=80 [UNREPLIED] src=${pod} dst=10.244.1.5 sport=8080 dport=${port} mark=0 use=1`;
/** The same without DNAT (the pod address was dialled directly, or an outside server). */
const direct = (port: number, dst: string): string =>
  `tcp      6 117 SYN_SENT src=10.244.1.5 dst=${dst} sport=${port} dport=80 [UNREPLIED] src=${dst} dst=10.244.1.5 sport=80 dport=${port} mark=0 use=1`;
const established = (port: number): string =>
  `tcp      6 86399 ESTABLISHED src=10.244.1.5 dst=10.96.0.1 sport=${port} dport=443 src=192.168.1.10 dst=10.244.1.5 sport=6443 dport=${port} [ASSURED] mark=0 use=1`;

describe(RULE, () => {
  it('fires on the pod address of the first entry of the biggest group, with the count per destination pod', () => {
    const [r] = expectFindings(
      [RULE],
      `tcp      6 117 SYN_SENT src=10.244.1.5 dst=10.96.0.20 sport=40001 dport=80 [UNREPLIED] src=10.244.3.4 dst=10.244.1.5 sport=8080 dport=40001 mark=0 use=1
tcp      6 117 SYN_SENT src=10.244.1.5 dst=10.96.0.20 sport=40002 dport=80 [UNREPLIED] src=10.244.2.9 dst=10.244.1.5 sport=8080 dport=40002 mark=0 use=1
                                                                                           ^^^^^^^^^^ ${RULE}
tcp      6 117 SYN_SENT src=10.244.1.5 dst=10.96.0.20 sport=40003 dport=80 [UNREPLIED] src=10.244.2.9 dst=10.244.1.5 sport=8080 dport=40003 mark=0 use=1
tcp      6 117 SYN_SENT src=10.244.1.5 dst=10.96.0.20 sport=40004 dport=80 [UNREPLIED] src=10.244.2.9 dst=10.244.1.5 sport=8080 dport=40004 mark=0 use=1
tcp      6 86399 ESTABLISHED src=10.244.1.5 dst=10.96.0.1 sport=50000 dport=443 src=192.168.1.10 dst=10.244.1.5 sport=6443 dport=50000 [ASSURED] mark=0 use=1
`,
    );
    assert.equal(r!.severity, 'info');
    expectMessage(r, 'unansweredSyns', { count: 4, share: '80 %', tcp: 5, destinations: '10.244.2.9 (via 10.96.0.20) x3, 10.244.3.4 (via 10.96.0.20) x1' });
    // The causes are named by rule id, never by the brief's internal codes.
    assert.match(r!.message, /ethtool\/vxlan-tx-checksum-offload/);
    assert.match(r!.message, /iptables\/kube-postrouting-double-snat/);
    assert.match(r!.message, /iptables\/masquerade-without-random-fully/);
    assert.doesNotMatch(r!.message, /[A-Z]+-[A-Z]+-\d{3}/);
    // The other group's first entry is related information, on its pod address.
    assert.equal(r!.related.length, 1);
    assert.equal(r!.related[0]!.message, '1 SYN_SENT [UNREPLIED] to pod 10.244.3.4 (via 10.96.0.20)');
    const rel = r!.related[0]!;
    assert.equal(rel.document.text.slice(rel.span.start, rel.span.end), '10.244.3.4');
    assert.equal(
      script(r!),
      `# List the connection attempts to 10.244.2.9 that never got a SYN-ACK:
conntrack -L -p tcp --state SYN_SENT --reply-src 10.244.2.9
# Watch for the SYNs on the overlay device and on the receiving node (stop with Ctrl-C):
# tcpdump -ni <overlay device, e.g. flannel.1> 'tcp[tcpflags] & tcp-syn != 0 and host 10.244.2.9'
# On VXLAN nodes also check: ethtool -k flannel.1 | grep tx-checksum (ethtool/vxlan-tx-checksum-offload)`,
    );
  });

  it('does not fire for SYN_SENT entries without DNAT (direct pod or outside addresses)', () => {
    expectFindings([RULE], Array.from({ length: 10 }, (_, i) => direct(41000 + i, i % 2 ? '10.244.2.9' : '93.184.216.34')).join('\n') + '\n');
  });

  it('does not fire for one or two attempts in flight (the small-paste bar)', () => {
    expectFindings([RULE], `${syn(40001, '10.244.2.9')}\n${syn(40002, '10.244.2.9')}\n`);
  });

  it('does not fire when DNATed attempts are at most 1 % of many TCP entries and at most 50', () => {
    const lines = [...Array.from({ length: 5 }, (_, i) => syn(40000 + i, '10.244.2.9')), ...Array.from({ length: 995 }, (_, i) => established(50000 + i))];
    expectFindings([RULE], lines.join('\n') + '\n');
  });

  it('fires above 50 DNATed attempts whatever the share', () => {
    const lines = [...Array.from({ length: 51 }, (_, i) => syn(40000 + i, '10.244.2.9')), ...Array.from({ length: 9949 }, (_, i) => established(i + 1))];
    const r = lintText(lines.join('\n') + '\n').reports.filter((x) => x.ruleId === RULE);
    assert.equal(r.length, 1);
    expectMessage(r[0], 'unansweredSyns', { count: 51, share: '0.5 %', tcp: 10000 });
  });

  it('names the VXLAN device and the kernel verdict of the checksum bug when the node shows them', () => {
    const text = [syn(40001, '10.244.2.9'), syn(40002, '10.244.2.9'), syn(40003, '10.244.2.9')].join('\n') + '\n';
    const node = [
      { path: 'node/ethtool-k-flannel.1.txt', text: 'Features for flannel.1:\ntx-checksum-ip-generic: on\n' },
      { path: 'node/uname-r.txt', text: '4.15.0-101-generic\n' },
    ];
    const [r] = lintText(text, { node }).reports.filter((x) => x.ruleId === RULE);
    assert.match(String(r!.data!.details), /This node has the VXLAN device flannel\.1 \(from node\/ethtool-k-flannel\.1\.txt\); Ubuntu kernel 4\.15\.0-101-generic predates 4\.15\.0-107, the first with the fix, so the VXLAN checksum bug is a prime suspect\./);
    assert.deepEqual(
      r!.related.map((x) => x.message),
      ['VXLAN device flannel.1', 'kernel release 4.15.0-101-generic'],
    );
    assert.match(script(r!), /^# tcpdump -ni flannel\.1 'tcp\[tcpflags\] & tcp-syn != 0 and host 10\.244\.2\.9'$/m);
    // Kernel unknown: the bug cannot be ruled out, and the message says so.
    const [u] = lintText(text, { node: [node[0]!] }).reports.filter((x) => x.ruleId === RULE);
    assert.match(String(u!.data!.details), /the kernel version is unknown, so the VXLAN checksum bug \(kernels before 5\.7/);
  });
});
