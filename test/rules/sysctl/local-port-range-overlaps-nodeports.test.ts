import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { applyEdits, expectFindings, expectMessage, lintText } from '../../helpers/ruleTester';
import { lintExample, onlyCommand, reportsOf } from './support';
import { scriptOf } from '../../helpers/commandFix';

const RULE = 'sysctl/local-port-range-overlaps-nodeports';
const SERVICES = {
  path: 'node/services.yaml',
  text: `apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: shop
spec:
  type: NodePort
  ports:
  - port: 80
    nodePort: 30080
  - port: 443
    nodePort: 32500
---
apiVersion: v1
kind: Service
metadata:
  name: low
spec:
  type: NodePort
  ports:
  - port: 8080
    nodePort: 30001
`,
};
const APISERVER = {
  path: 'node/kube-apiserver.yaml',
  text: `apiVersion: v1
kind: Pod
metadata:
  name: kube-apiserver
  namespace: kube-system
spec:
  containers:
  - name: kube-apiserver
    image: registry.k8s.io/kube-apiserver:v1.29.3
    command:
    - kube-apiserver
    - --service-node-port-range=40000-42767
`,
};

describe(RULE, () => {
  it('fires when the ephemeral range overlaps the NodePort range and nothing is reserved, with a command fix', () => {
    const [r] = expectFindings([RULE], `net.ipv4.ip_local_port_range = 1024\t65535\n^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ ${RULE}\nnet.ipv4.ip_local_reserved_ports = \n`, { path: 'node/sysctl-a.txt' });
    assert.equal(r!.severity, 'warning');
    expectMessage(r, 'overlapsNodePorts', { nodePorts: 'the default NodePort range', nodePortRange: '30000-32767', uncovered: '30000-32767', reservedKey: 'net.ipv4.ip_local_reserved_ports' });
    assert.equal(
      scriptOf(onlyCommand(r!)),
      [
        '# Keep the kernel from handing NodePorts to outgoing connections (kube-proxy no longer holds those ports open).',
        'sysctl -w net.ipv4.ip_local_reserved_ports=30000-32767',
        '# Persist it (applied at boot and by `sysctl --system`; a file read later, such as /etc/sysctl.conf, must not set it back):',
        "printf '%s\\n' 'net.ipv4.ip_local_reserved_ports = 30000-32767' | tee /etc/sysctl.d/90-kubernetes-nodeport-reserved.conf >/dev/null",
      ].join('\n'),
    );
  });

  it('lists the allocated NodePorts of Services in the node folder that fall in the unreserved part', () => {
    const [r] = expectFindings(
      [RULE],
      `net.ipv4.ip_local_port_range = 10000 65000\n^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ ${RULE}\nnet.ipv4.ip_local_reserved_ports = 30000-30050\n`,
      { path: 'node/sysctl-a.txt', node: [SERVICES] },
    );
    expectMessage(r, 'overlapsNodePorts', { uncovered: '30051-32767', allocated: ' Services on this node use 2 NodePorts in that range: 30080 (shop/web), 32500 (shop/web).' });
    assert.deepEqual(r!.related.map((x) => x.message), ['NodePort 30080 of shop/web', 'NodePort 32500 of shop/web']);
    assert.match(scriptOf(onlyCommand(r!)), /sysctl -w net\.ipv4\.ip_local_reserved_ports=30000-30050,30000-32767\n/);
  });

  it('uses --service-node-port-range from a kube-apiserver manifest of the node', () => {
    const text = 'net.ipv4.ip_local_port_range = 32768 60999\n';
    const [r] = expectFindings([RULE], `${text}^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ ${RULE}\n`, { path: 'node/sysctl-a.txt', node: [APISERVER] });
    expectMessage(r, 'overlapsNodePorts', { nodePorts: '--service-node-port-range in node/kube-apiserver.yaml', nodePortRange: '40000-42767' });
    assert.equal(r!.related[0]?.message, 'NodePort range');
  });

  it('edits a conf file: inserts the reserved-ports line after the range (CRLF kept), or extends an existing list', () => {
    const text = '# tuning\r\nnet.ipv4.ip_local_port_range = 1024 65535\r\nvm.swappiness = 10\r\n';
    const [r] = reportsOf(RULE, text, { path: 'node/sysctl.conf' });
    assert.ok(r);
    const [reserve, move] = r.fixes;
    assert.ok(reserve?.kind === 'edit' && move?.kind === 'edit');
    assert.equal(reserve.safe, true);
    const fixed = applyEdits(text, reserve.edits);
    assert.equal(fixed, '# tuning\r\nnet.ipv4.ip_local_port_range = 1024 65535\r\nnet.ipv4.ip_local_reserved_ports = 30000-32767\r\nvm.swappiness = 10\r\n');
    assert.equal(reportsOf(RULE, fixed, { path: 'node/sysctl.conf' }).length, 0);
    assert.equal(move.safe, false);
    const moved = applyEdits(text, move.edits);
    assert.equal(moved, '# tuning\r\nnet.ipv4.ip_local_port_range = 32768 60999\r\nvm.swappiness = 10\r\n');
    assert.equal(reportsOf(RULE, moved, { path: 'node/sysctl.conf' }).length, 0);

    const listed = 'net.ipv4.ip_local_port_range = 1024 65535\nnet.ipv4.ip_local_reserved_ports = 8080,9090\n';
    const [l] = reportsOf(RULE, listed, { path: 'node/k8s.conf' });
    const extended = applyEdits(listed, l!.fixes[0]!.kind === 'edit' ? l!.fixes[0]!.edits : []);
    assert.equal(extended, 'net.ipv4.ip_local_port_range = 1024 65535\nnet.ipv4.ip_local_reserved_ports = 8080,9090,30000-32767\n');
    assert.equal(reportsOf(RULE, extended, { path: 'node/k8s.conf' }).length, 0);
  });

  it('reports a narrow ephemeral range as info', () => {
    const [r] = expectFindings([RULE], `net.ipv4.ip_local_port_range = 40000 45000\n^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ ${RULE}\n`, { path: 'node/sysctl-a.txt' });
    assert.equal(r!.severity, 'info');
    expectMessage(r, 'narrowRange', { ports: 5001 });
  });

  it('does not fire on the kernel default range, a fully reserved overlap, or the example nodes', () => {
    expectFindings([RULE], 'net.ipv4.ip_local_port_range = 32768\t60999\nnet.ipv4.ip_local_reserved_ports = \n', { path: 'node/sysctl-a.txt', node: [SERVICES] });
    expectFindings([RULE], 'net.ipv4.ip_local_port_range = 1024 65535\nnet.ipv4.ip_local_reserved_ports = 10250,30000-32767\n', { path: 'node/sysctl-a.txt' });
    // Reserved in another sysctl document of the node.
    assert.equal(
      lintText('net.ipv4.ip_local_port_range = 1024 65535\n', { path: 'node/sysctl-a.txt', node: [{ path: 'node/sysctl.d/90-reserved.conf', text: 'net.ipv4.ip_local_reserved_ports = 30000-32767\n' }] }).reports.filter((r) => r.ruleId === RULE).length,
      0,
    );
    assert.equal(lintExample('healthy-node', 'sysctl-a.txt').filter((r) => r.ruleId === RULE).length, 0);
  });
});
