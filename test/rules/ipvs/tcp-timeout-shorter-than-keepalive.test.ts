import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { CommandFix } from '../../../server/src/rules/rule';
import { expectFindings, expectMessage, lintText, type NodeFile } from '../../helpers/ruleTester';
import { scriptOf } from '../../helpers/commandFix';

const RULE = 'ipvs/tcp-timeout-shorter-than-keepalive';
const ROOT = join(__dirname, '..', '..', '..');

const LISTING = `IP Virtual Server version 1.2.1 (size=4096)
Prot LocalAddress:Port Scheduler Flags
  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn
TCP  10.96.0.1:443 rr
  -> 172.16.0.10:6443             Masq    1      4          0
`;

const keepalive = (n: number): NodeFile => ({ path: 'node/sysctl-a.txt', text: `kernel.osrelease = 5.15.0\nnet.ipv4.tcp_keepalive_time = ${n}\n` });

const kubeProxy = (extra: string): NodeFile => ({
  path: 'node/kube-proxy-cm.yaml',
  text: `apiVersion: v1
kind: ConfigMap
metadata:
  name: kube-proxy
  namespace: kube-system
data:
  config.conf: |-
    apiVersion: kubeproxy.config.k8s.io/v1alpha1
    kind: KubeProxyConfiguration
${extra}`,
});

function mine(text: string, options: Parameters<typeof lintText>[1] = {}) {
  return lintText(text, { path: 'node/ipvsadm.txt', ...options }).reports.filter((r) => r.ruleId === RULE);
}

describe(RULE, () => {
  it('fires on the tcp value of ipvsadm -L --timeout when tcp_keepalive_time of the node is not shorter', () => {
    const [r] = expectFindings(
      [RULE],
      `Timeout (tcp tcpfin udp): 900 120 300
                          ^^^ ${RULE}
`,
      { path: 'node/ipvsadm-timeout.txt', node: [keepalive(7200)] },
    );
    assert.equal(r!.severity, 'warning');
    expectMessage(r, 'forgottenBeforeKeepalive', { timeout: 900, keepalive: 7200, keepaliveFrom: 'node/sysctl-a.txt', notes: '' });
    assert.equal(
      r!.message,
      'IPVS forgets an idle TCP connection after 900 s (ipvsadm --timeout in node/ipvsadm-timeout.txt), but net.ipv4.tcp_keepalive_time is 7200 s (node/sysctl-a.txt): keepalive probes start only after the entry is gone, so the next packet on an idle pooled connection (gRPC, database pools) is not a SYN, IPVS cannot schedule it, and it is dropped or reset. Only sockets with SO_KEEPALIVE rely on this, and pods use their own network namespace value (kernel default 7200 s), not the host one.',
    );
    assert.equal(r!.related.length, 1);
    assert.equal(r!.related[0]!.message, 'tcp_keepalive_time = 7200 s');
    const fix = r!.fixes[0] as CommandFix;
    assert.equal(fix.kind, 'command');
    assert.equal(fix.title, 'Lower tcp_keepalive_time to 60 s (below the IPVS tcp timeout of 900 s)');
    assert.equal(
      scriptOf(fix),
      `# Option 1 (preferred): start keepalive probes before IPVS forgets an idle connection (900 s) on the host;
# pods have their own value: set net.ipv4.tcp_keepalive_time in the pod securityContext.sysctls (a safe sysctl since Kubernetes 1.29) or in the application.
sysctl -w net.ipv4.tcp_keepalive_time=60
printf '%s\\n' 'net.ipv4.tcp_keepalive_time = 60' | tee /etc/sysctl.d/90-tcp-keepalive.conf >/dev/null
# Option 2: raise the IPVS TCP idle timeout above the keepalive time instead (0 keeps tcpfin/udp as they are). This is runtime only:
# with kube-proxy 1.18+ set ipvs.tcpTimeout: 7260s in its configuration so it survives restarts.
#   ipvsadm --set 7260 0 0`,
    );
  });

  it('fires when keepalive equals the timeout, and scales the suggested keepalive to short timeouts', () => {
    const [r] = mine('Timeout (tcp tcpfin udp): 300 120 300\n', { node: [keepalive(300)] });
    assert.equal(r!.severity, 'warning');
    assert.match(scriptOf(r!.fixes[0] as CommandFix), /^sysctl -w net\.ipv4\.tcp_keepalive_time=60$/m, 'the shared recommendation when it is below the timeout');
    assert.match(scriptOf(r!.fixes[0] as CommandFix), /^#   ipvsadm --set 360 0 0$/m);
    const [short] = mine('Timeout (tcp tcpfin udp): 45 120 300\n', { node: [keepalive(300)] });
    assert.match(scriptOf(short!.fixes[0] as CommandFix), /^sysctl -w net\.ipv4\.tcp_keepalive_time=30$/m, 'two thirds of a very short timeout');
  });

  it('does not fire when keepalive is shorter than the IPVS timeout', () => {
    expectFindings([RULE], 'Timeout (tcp tcpfin udp): 900 120 300\n', { node: [keepalive(600)] });
    expectFindings([RULE], 'Timeout (tcp tcpfin udp): 7500 120 300\n', { node: [keepalive(7200)] });
  });

  it('judges the last timeout line (the state after ipvsadm --set)', () => {
    expectFindings(
      [RULE],
      `Timeout (tcp tcpfin udp): 900 120 300
$ ipvsadm --set 3600 120 300
$ ipvsadm -l --timeout
Timeout (tcp tcpfin udp): 3600 120 300
`,
      { node: [keepalive(1800)] },
    );
    expectFindings(
      [RULE],
      `Timeout (tcp tcpfin udp): 3600 120 300
$ ipvsadm --set 900 120 300
$ ipvsadm -l --timeout
Timeout (tcp tcpfin udp): 900 120 300
                          ^^^ ${RULE}
`,
      { node: [keepalive(1800)] },
    );
  });

  it('downgrades to info and says so when the keepalive time is not known', () => {
    const [r] = mine('Timeout (tcp tcpfin udp): 900 120 300\n');
    assert.equal(r!.severity, 'info');
    expectMessage(r, 'forgottenBeforeKeepalive', {
      keepalive: 7200,
      keepaliveFrom: 'the kernel default; no sysctl capture of this node sets it',
      notes: ' Add sysctl -a (or the node sysctl.d files) to this node folder to confirm the keepalive time.',
    });
  });

  it('uses kube-proxy ipvs.tcpTimeout when the dump has no timeout line, reporting on the version line', () => {
    const [r] = expectFindings(
      [RULE],
      `IP Virtual Server version 1.2.1 (size=4096)
^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ ${RULE}
Prot LocalAddress:Port Scheduler Flags
  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn
TCP  10.96.0.1:443 rr
  -> 172.16.0.10:6443             Masq    1      4          0
`,
      { node: [keepalive(900), kubeProxy('    mode: ipvs\n    ipvs:\n      tcpTimeout: 600s\n')] },
    );
    assert.equal(r!.severity, 'warning');
    expectMessage(r, 'forgottenBeforeKeepalive', { timeout: 600, timeoutFrom: 'ipvs.tcpTimeout in node/kube-proxy-cm.yaml', keepalive: 900 });
    assert.deepEqual(
      r!.related.map((x) => [x.document.path, x.message]),
      [
        ['node/kube-proxy-cm.yaml', 'kube-proxy sets the IPVS tcp timeout to 600 s'],
        ['node/sysctl-a.txt', 'tcp_keepalive_time = 900 s'],
      ],
    );
  });

  it('assumes the kernel default 900 s (info) when neither the dump nor kube-proxy set the timeout', () => {
    const [r] = mine(LISTING, { node: [keepalive(7200), kubeProxy('    mode: ipvs\n')] });
    assert.equal(r!.severity, 'info');
    expectMessage(r, 'forgottenBeforeKeepalive', {
      timeout: 900,
      timeoutFrom: 'the kernel default; this node has no ipvsadm -L --timeout output and no kube-proxy ipvs.tcpTimeout',
      notes: ' Add the output of ipvsadm -L --timeout to this node folder to confirm the timeout.',
    });
  });

  it('does not fire when neither value was seen, or on a listing when another dump of the node has the timeout line', () => {
    expectFindings([RULE], LISTING);
    expectFindings([RULE], LISTING, { node: [keepalive(7200), { path: 'node/ipvsadm-timeout.txt', text: 'Timeout (tcp tcpfin udp): 900 120 300\n' }] });
    // ... and only the first dump with services reports the assumed default.
    const other: NodeFile = { path: 'a/ipvsadm-first.txt', text: LISTING };
    expectFindings([RULE], LISTING, { path: 'node/ipvsadm-second.txt', node: [other, keepalive(7200)] });
    assert.equal(mine(LISTING, { path: 'a/ipvsadm-first.txt', node: [{ path: 'node/ipvsadm-second.txt', text: LISTING }, keepalive(7200)] }).length, 1);
  });

  it('downgrades when kube-proxy is known to run in another mode', () => {
    const [r] = mine('Timeout (tcp tcpfin udp): 900 120 300\n', { node: [keepalive(7200), kubeProxy('    mode: iptables\n')] });
    assert.equal(r!.severity, 'info');
    expectMessage(r, 'forgottenBeforeKeepalive');
    assert.match(String(r!.data!.notes), /kube-proxy runs in iptables \(from node\/kube-proxy-cm\.yaml\) mode, so this only matters for what else this node balances with IPVS\.$/);
  });

  it('fires (info, timeout assumed) on the incident node examples/ipvs-conn-reuse: keepalive 7200 s, IPVS default 900 s', () => {
    const dir = join(ROOT, 'examples', 'ipvs-conn-reuse');
    const files = readdirSync(dir).map((n) => ({ path: `examples/ipvs-conn-reuse/${n}`, text: readFileSync(join(dir, n), 'utf8') }));
    const listing = files.find((f) => f.path.endsWith('ipvsadm-Ln.txt'))!;
    const { doc, reports } = lintText(listing.text, { path: listing.path, node: files.filter((f) => f !== listing) });
    const r = reports.filter((x) => x.ruleId === RULE);
    assert.equal(r.length, 1);
    assert.equal(r[0]!.severity, 'info');
    assert.equal(doc.text.slice(r[0]!.span.start, r[0]!.span.end), 'IP Virtual Server version 1.2.1 (size=4096)');
    expectMessage(r[0], 'forgottenBeforeKeepalive', { keepalive: 7200, keepaliveFrom: 'examples/ipvs-conn-reuse/sysctl-a.txt' });
  });
});
