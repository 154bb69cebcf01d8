import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseIpv4 } from '../../server/src/trace/ip';
import { parseRoute } from '../../server/src/trace/environment';
import { DNS_ENDPOINTS, lineOf, NODE_DUMP, NODE_IP, WEB_ENDPOINT } from './nodeDump';
import { ruleSteps, traceFiles } from './helpers';

const LOCAL = [parseIpv4(NODE_IP)!, parseIpv4('10.244.0.1')!];
const ROUTES = [parseRoute('10.244.0.0/24=cni0')!, parseRoute('0.0.0.0/0=eth0')!];
const node = { 'iptables-save.txt': NODE_DUMP };
const opts = { local: LOCAL, routes: ROUTES, inIface: 'cni0' } as const;
const sum = (xs: readonly { probability: number }[]): number => xs.reduce((a, p) => a + p.probability, 0);

describe('trace walker on a kube-proxy node', () => {
  it('spreads a ClusterIP over its endpoints with the statistic cascade (1/3 each, adding up to 1)', () => {
    const r = traceFiles(node, 'udp 10.244.0.5:40000 -> 10.96.0.10:53', opts);
    assert.deepEqual(r.paths.map((p) => p.dnat).sort(), DNS_ENDPOINTS);
    for (const p of r.paths) assert.ok(Math.abs(p.probability - 1 / 3) < 1e-9, String(p.probability));
    assert.ok(Math.abs(sum(r.paths) - 1) < 1e-12);
    assert.equal(r.verdict, 'ACCEPT');
    assert.equal(r.pathsDiffer, false);
    const second = r.paths.find((p) => p.dnat === DNS_ENDPOINTS[1])!;
    assert.deepEqual(ruleSteps(second.steps), [
      `${lineOf('-A PREROUTING')} jump KUBE-SERVICES`,
      `${lineOf('-A KUBE-SERVICES -d 10.96.0.10/32')} jump KUBE-SVC-DNS`,
      `${lineOf('probability 0.50000000000')} jump KUBE-SEP-DNS2`,
      `${lineOf('DNAT --to-destination 10.244.0.21:53')} DNAT 10.244.0.21:53`,
      `${lineOf('-A FORWARD -m conntrack --ctstate NEW -m comment --comment "kubernetes load balancer firewall"')} jump KUBE-PROXY-FIREWALL`,
      `${lineOf('-A FORWARD -m comment --comment "kubernetes forwarding rules"')} jump KUBE-FORWARD`,
      `${lineOf('-A FORWARD -m conntrack --ctstate NEW -m comment --comment "kubernetes service portals"')} jump KUBE-SERVICES`,
      `${lineOf('-A FORWARD -m conntrack --ctstate NEW -m comment --comment "kubernetes externally-visible')} jump KUBE-EXTERNAL-SERVICES`,
      `${lineOf(':FORWARD ACCEPT')} policy ACCEPT`,
      `${lineOf('-A POSTROUTING -m comment --comment "kubernetes postrouting rules"')} jump KUBE-POSTROUTING`,
      `${lineOf('-A KUBE-POSTROUTING -m mark ! --mark')} RETURN`,
      `${lineOf('-A POSTROUTING -m comment --comment "flanneld masq"')} jump FLANNEL-POSTRTG`,
      `${lineOf('-A FLANNEL-POSTRTG -s 10.244.0.0/24 -d 10.244.0.0/16')} RETURN`,
      `${lineOf(':POSTROUTING ACCEPT')} policy ACCEPT`,
    ]);
    assert.equal(second.snat, null);
  });

  it('rejects a Service without endpoints in filter FORWARD', () => {
    const r = traceFiles(node, 'udp 10.244.0.5:40000 -> 10.96.0.50:80', opts);
    assert.equal(r.paths.length, 1);
    assert.equal(r.verdict, 'REJECT');
    assert.equal(ruleSteps(r.paths[0]!.steps).at(-1), `${lineOf('has no endpoints')} REJECT --reject-with icmp-port-unreachable`);
  });

  it('takes a NodePort from outside through KUBE-NODEPORTS, marks it and masquerades it', () => {
    const r = traceFiles(node, `udp 192.0.2.7:40000 -> ${NODE_IP}:30080`, { ...opts, from: 'external', inIface: 'eth0' });
    assert.equal(r.paths.length, 1);
    const p = r.paths[0]!;
    assert.equal(p.dnat, WEB_ENDPOINT);
    assert.equal(p.snat, 'masquerade');
    const steps = ruleSteps(p.steps);
    assert.ok(steps.includes(`${lineOf('addrtype --dst-type LOCAL')} jump KUBE-NODEPORTS`), steps.join('\n'));
    assert.ok(steps.includes(`${lineOf('-A KUBE-MARK-MASQ')} MARK and 0xffffbfff xor 0x4000 (mark 0x4000)`), steps.join('\n'));
    assert.ok(steps.includes(`${lineOf('service traffic requiring SNAT')} MASQUERADE (source becomes cni0's address) --random-fully`), steps.join('\n'));
    // The filter FORWARD rule that accepts marked traffic sees the DNATed packet.
    assert.ok(steps.includes(`${lineOf('-m mark --mark 0x4000/0x4000 -j ACCEPT')} ACCEPT`));
  });

  it('masquerades pod-to-external traffic (flannel) and returns pod-to-pod traffic from masquerading', () => {
    const ext = traceFiles(node, 'udp 10.244.0.5:40000 -> 192.0.2.10:9', opts);
    assert.equal(ext.paths[0]!.snat, 'masquerade');
    assert.ok(ruleSteps(ext.paths[0]!.steps).includes(`${lineOf('! -d 224.0.0.0/4')} MASQUERADE (source becomes eth0's address) --random-fully`));
    const pod = traceFiles(node, 'udp 10.244.0.5:40000 -> 10.244.1.9:9', { ...opts, routes: [...ROUTES, parseRoute('10.244.0.0/16=flannel.1')!] });
    assert.equal(pod.paths[0]!.snat, null);
    assert.ok(ruleSteps(pod.paths[0]!.steps).includes(`${lineOf('-A FLANNEL-POSTRTG -s 10.244.0.0/24 -d 10.244.0.0/16')} RETURN`));
  });

  it('walks OUTPUT for --from host and masquerades what KUBE-MARK-MASQ marked', () => {
    const r = traceFiles(node, `udp ${NODE_IP}:40000 -> 10.96.0.20:80`, { ...opts, from: 'host' });
    const p = r.paths[0]!;
    assert.equal(p.dnat, WEB_ENDPOINT);
    assert.equal(p.snat, 'masquerade');
    assert.deepEqual([...new Set(p.steps.filter((s) => s.kind === 'rule').map((s) => s.hook))], ['OUTPUT', 'POSTROUTING']);
    assert.ok(ruleSteps(p.steps).includes(`${lineOf('-A KUBE-SVC-WEB ! -s 10.244.0.0/16')} jump KUBE-MARK-MASQ`));
  });

  it('drops an INVALID packet in KUBE-FORWARD and skips the nat table', () => {
    const r = traceFiles(node, 'tcp 10.244.0.5:40000 -> 192.0.2.10:80', { ...opts, ctstate: 'INVALID' });
    assert.equal(r.verdict, 'DROP');
    const p = r.paths[0]!;
    assert.equal(ruleSteps(p.steps).at(-1), `${lineOf('--ctstate INVALID -j DROP')} DROP`);
    assert.ok(!p.steps.some((s) => s.table === 'nat' && s.kind === 'rule'));
    assert.ok(p.steps.some((s) => s.kind === 'note' && /nat PREROUTING not consulted: conntrack state INVALID/.test(s.action)));
  });

  it('does not consult nat for an ESTABLISHED packet, and KUBE-FORWARD accepts it', () => {
    const r = traceFiles(node, 'udp 10.244.0.5:40000 -> 10.96.0.10:53', { ...opts, ctstate: 'ESTABLISHED' });
    assert.equal(r.paths.length, 1);
    assert.equal(r.paths[0]!.dnat, null);
    assert.equal(ruleSteps(r.paths[0]!.steps).at(-1), `${lineOf('--ctstate RELATED,ESTABLISHED -j ACCEPT')} ACCEPT`);
  });

  it('applies the packet mark given by --mark', () => {
    const r = traceFiles(node, 'udp 10.244.0.5:40000 -> 192.0.2.10:9', { ...opts, mark: 0x4000 });
    assert.ok(ruleSteps(r.paths[0]!.steps).includes(`${lineOf('-A KUBE-POSTROUTING -j MARK --xor-mark 0x4000')} MARK and 0xffffffff xor 0x4000 (mark 0x0)`));
    assert.equal(r.paths[0]!.snat, 'masquerade');
  });
});

describe('trace walker semantics', () => {
  const save = (filter: string): Record<string, string> => ({ 'rules.txt': `*filter\n:INPUT ACCEPT [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n${filter}COMMIT\n` });
  const P = 'tcp 10.0.0.1:1234 -> 10.0.0.2:80';

  it('goto then RETURN goes back to the chain that jumped, not the one that went to', () => {
    const r = traceFiles(save(':A - [0:0]\n:B - [0:0]\n-A FORWARD -j A\n-A FORWARD -j ACCEPT\n-A A -g B\n-A A -j DROP\n-A B -j RETURN\n'), P, { outIface: 'eth1' });
    assert.deepEqual(ruleSteps(r.paths[0]!.steps), ['7 jump A', '9 goto B', '11 RETURN', '8 ACCEPT']);
    assert.equal(r.verdict, 'ACCEPT');
  });

  it('falls off a user chain back to its caller and applies the built-in policy at the end', () => {
    const r = traceFiles(save(':A - [0:0]\n-A FORWARD -j A\n-A A -p udp -j ACCEPT\n'), P, { outIface: 'eth1' });
    assert.deepEqual(ruleSteps(r.paths[0]!.steps), ['6 jump A', '3 policy DROP']);
    assert.equal(r.verdict, 'DROP');
  });

  it('reports a jump loop and does not follow it', () => {
    const r = traceFiles(save(':A - [0:0]\n:B - [0:0]\n-A FORWARD -j A\n-A A -j B\n-A B -j A\n-A B -j ACCEPT\n'), P, { outIface: 'eth1' });
    assert.equal(r.verdict, 'ACCEPT');
    assert.ok(r.paths[0]!.steps.some((s) => s.kind === 'note' && /loops \(FORWARD → A → B → A\)/.test(s.action)));
    assert.ok(r.paths[0]!.assumptions.some((a) => /chain loop/.test(a)));
  });

  it('follows both answers of an ipset match, evenly, each saying what it assumed', () => {
    const r = traceFiles(save('-A FORWARD -m set --match-set ALLOWED src -j ACCEPT\n'), P, { outIface: 'eth1' });
    assert.equal(r.paths.length, 2);
    assert.deepEqual(r.paths.map((p) => p.probability), [0.5, 0.5]);
    assert.deepEqual(r.paths.map((p) => p.verdict).sort(), ['ACCEPT', 'DROP']);
    assert.equal(r.pathsDiffer, true);
    for (const p of r.paths) assert.match(p.assumptions.join(' '), /ipset ALLOWED/);
  });

  it('applies what kube-proxy puts in KUBE-MARK-MASQ when a truncated dump lacks the chain, and says so', () => {
    const r = traceFiles({ 'rules.txt': '*nat\n:PREROUTING ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\n-A PREROUTING -j KUBE-MARK-MASQ\n-A POSTROUTING -m mark --mark 0x4000/0x4000 -j MASQUERADE\nCOMMIT\n' }, P, { outIface: 'eth1' });
    assert.equal(r.paths[0]!.snat, 'masquerade');
    assert.match(r.paths[0]!.steps.find((s) => s.line === 4)!.assumptions.join(' '), /KUBE-MARK-MASQ is not in the dump/);
  });

  it('drops forwarded packets when ip_forward = 0, with the sysctl line as the step', () => {
    const r = traceFiles({ ...save(''), 'sysctl-a.txt': 'net.ipv4.conf.all.rp_filter = 0\nnet.ipv4.ip_forward = 0\n' }, P, { outIface: 'eth1' });
    assert.equal(r.verdict, 'DROP');
    const last = r.paths[0]!.steps.at(-1)!;
    assert.deepEqual([last.kind, last.file, last.line], ['sysctl', 'sysctl-a.txt', 2]);
  });

  it('lets bridged pod-to-pod traffic skip iptables when bridge-nf-call-iptables = 0', () => {
    const files = { ...save('-A FORWARD -j DROP\n'), 'sysctl-a.txt': 'net.bridge.bridge-nf-call-iptables = 0\n' };
    const r = traceFiles(files, 'tcp 10.244.0.5:1234 -> 10.244.0.9:80', { inIface: 'cni0', outIface: 'cni0' });
    assert.equal(r.verdict, 'ACCEPT');
    assert.deepEqual(r.paths[0]!.steps.map((s) => s.kind), ['conntrack', 'sysctl']);
    const on = traceFiles({ ...files, 'sysctl-a.txt': 'net.bridge.bridge-nf-call-iptables = 1\n' }, 'tcp 10.244.0.5:1234 -> 10.244.0.9:80', { inIface: 'cni0', outIface: 'cni0' });
    assert.equal(on.verdict, 'DROP');
  });

  it('drops a martian 127.0.0.0/8 destination from a pod unless route_localnet = 1', () => {
    const files = { 'rules.txt': '*nat\n:PREROUTING ACCEPT [0:0]\n-A PREROUTING -p tcp -j DNAT --to-destination 127.0.0.1:8080\nCOMMIT\n' };
    assert.equal(traceFiles(files, P, { outIface: 'eth1' }).verdict, 'DROP');
    const ok = traceFiles({ ...files, 'sysctl.txt': 'net.ipv4.conf.all.route_localnet = 1\n' }, P, { outIface: 'eth1' });
    assert.equal(ok.verdict, 'ACCEPT');
    assert.ok(ok.paths[0]!.steps.some((s) => s.kind === 'sysctl' && /route_localnet = 1/.test(s.action)));
  });

  it('reads the iptables -L -n -v listing the same way as the save format', () => {
    const listing = readFileSync(join(__dirname, '..', 'fixtures', 'iptables-list', 'qifangsu-kube-nat-L-n-after-nodeport-svc.txt'), 'utf8');
    const r = traceFiles({ 'nat-L.txt': listing }, 'tcp 10.244.0.5:40000 -> 10.96.0.1:443', { outIface: 'eth0' });
    assert.ok(Math.abs(sum(r.paths) - 1) < 1e-9);
    assert.ok(r.paths.every((p) => p.steps.every((s) => s.file === null || s.file === 'nat-L.txt')));
    assert.ok(r.paths.some((p) => p.dnat !== null), JSON.stringify(r.paths.map((p) => p.dnat)));
  });
});

describe('trace through IPVS', () => {
  const ipvs = readFileSync(join(__dirname, '..', '..', 'examples', 'ipvs-conn-reuse', 'ipvsadm-Ln.txt'), 'utf8');

  it('schedules a packet to a virtual service over its real servers by weight, excluding weight 0', () => {
    const r = traceFiles({ 'ipvsadm-Ln.txt': ipvs }, 'tcp 10.244.0.5:40000 -> 10.96.41.7:80', { outIface: 'eth0' });
    assert.deepEqual(r.paths.map((p) => [p.dnat, p.probability]), [['10.244.1.31:8080', 1]]);
    const ipvsSteps = r.paths[0]!.steps.filter((s) => s.kind === 'ipvs');
    assert.deepEqual(ipvsSteps.map((s) => s.line), [9, 10]);
    assert.match(ipvsSteps[1]!.action, /Masq, weight 1/);
  });

  it('splits evenly between equal weights, and the virtual address counts as the node\'s (kube-ipvs0)', () => {
    const r = traceFiles({ 'ipvsadm-Ln.txt': ipvs }, 'udp 10.244.0.5:40000 -> 10.96.0.10:53', { outIface: 'eth0' });
    assert.deepEqual(r.paths.map((p) => p.dnat).sort(), ['10.244.1.12:53', '10.244.2.9:53']);
    assert.deepEqual(r.paths.map((p) => p.probability), [0.5, 0.5]);
    assert.ok(r.paths[0]!.steps.some((s) => s.kind === 'routing' && /delivered locally/.test(s.action)));
  });
});
