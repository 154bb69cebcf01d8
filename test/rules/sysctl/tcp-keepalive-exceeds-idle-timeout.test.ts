import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { applyEdits, expectFindings, expectMessage, onlyEditFix } from '../../helpers/ruleTester';
import { fixture, lintExample, onlyCommand, reportsOf } from './support';
import { scriptOf } from '../../helpers/commandFix';

const RULE = 'sysctl/tcp-keepalive-exceeds-idle-timeout';
const KEEPALIVE = `net.ipv4.tcp_keepalive_intvl = 75
net.ipv4.tcp_keepalive_probes = 9
net.ipv4.tcp_keepalive_time = 7200
^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ ${RULE}
`;
const AZURE_SVC = {
  path: 'node/svc.yaml',
  text: 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  annotations:\n    service.beta.kubernetes.io/azure-load-balancer-internal: "true"\nspec:\n  type: LoadBalancer\n  ports:\n  - port: 80\n',
};
const GKE_BC = { path: 'node/bc.yaml', text: 'apiVersion: cloud.google.com/v1\nkind: BackendConfig\nmetadata:\n  name: ws\nspec:\n  timeoutSec: 3600\n' };
const EKS_KP = {
  path: 'node/kube-proxy-ds.yaml',
  text: 'apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: kube-proxy\n  namespace: kube-system\nspec:\n  template:\n    spec:\n      containers:\n      - name: kube-proxy\n        image: 602401143452.dkr.ecr.us-west-2.amazonaws.com/eks/kube-proxy:v1.29.0-eksbuild.1\n        command:\n        - kube-proxy\n        - --v=2\n',
};

describe(RULE, () => {
  it('fires on an AWS node (kernel build) with the command fix, naming the 350 s limit and dead-peer time', () => {
    const [r] = expectFindings([RULE], `kernel.osrelease = 5.10.217-205.860.amzn2.x86_64\n${KEEPALIVE}`, { path: 'node/sysctl-a.txt' });
    assert.equal(r!.severity, 'info');
    expectMessage(r, 'probesTooLate', { value: 7200, limit: 'AWS NAT gateways and Network Load Balancers drop TCP flows idle for 350 s (NLB default)', dead: 7875 });
    assert.match(String(r!.data!.evidence), /kernel 5\.10\.217-205\.860\.amzn2\.x86_64/);
    assert.equal(r!.related[0]?.message, 'AWS kernel build');
    assert.equal(
      scriptOf(onlyCommand(r!)),
      [
        '# Probe idle connections before the cloud NAT / load balancer forgets them (350 s here).',
        'sysctl -w net.ipv4.tcp_keepalive_time=60',
        '# Persist it (applied at boot and by `sysctl --system`; a file read later, such as /etc/sysctl.conf, must not set it back):',
        "printf '%s\\n' 'net.ipv4.tcp_keepalive_time = 60' | tee /etc/sysctl.d/90-tcp-keepalive.conf >/dev/null",
      ].join('\n'),
    );
  });

  it('recognises Azure (annotation), GCP (BackendConfig, -gke kernels) and EKS (kube-proxy image registry)', () => {
    const [az] = expectFindings([RULE], KEEPALIVE, { path: 'node/sysctl-a.txt', node: [AZURE_SVC] });
    assert.match(String(az!.data!.limit), /Azure Load Balancer and NAT gateway drop flows idle for 4 minutes \(240 s/);
    const [gcp] = expectFindings([RULE], KEEPALIVE, { path: 'node/sysctl-a.txt', node: [GKE_BC] });
    assert.match(String(gcp!.data!.limit), /Google Cloud tracks idle connections of VM instances for at most 10 minutes/);
    const [gke] = expectFindings([RULE], `kernel.osrelease = 5.15.0-1048-gke\n${KEEPALIVE}`, { path: 'node/sysctl-a.txt' });
    assert.match(String(gke!.data!.limit), /600 s/);
    const [eks] = expectFindings([RULE], KEEPALIVE, { path: 'node/sysctl-a.txt', node: [EKS_KP] });
    assert.match(String(eks!.data!.evidence), /kube-proxy image from 602401143452\.dkr\.ecr\.us-west-2\.amazonaws\.com/);
  });

  it('edits a conf file byte for byte, and the fixed file no longer fires', () => {
    const text = '# keepalive\r\nnet.ipv4.tcp_keepalive_time=600\r\n';
    const opts = { path: 'node/sysctl.d/60-tcp.conf', node: [AZURE_SVC] };
    const [r] = reportsOf(RULE, text, opts);
    const fixed = applyEdits(text, onlyEditFix(r!).edits);
    assert.equal(fixed, '# keepalive\r\nnet.ipv4.tcp_keepalive_time=60\r\n');
    assert.equal(reportsOf(RULE, fixed, opts).length, 0);
  });

  it('does not fire below the limit, when the cloud is unknown (IPVS and conntrack limits are other rules), or on the examples', () => {
    expectFindings([RULE], 'net.ipv4.tcp_keepalive_time = 300\n', { path: 'node/sysctl-a.txt', node: [GKE_BC] });
    expectFindings([RULE], 'net.ipv4.tcp_keepalive_time = 200\n', { path: 'node/sysctl-a.txt', node: [AZURE_SVC] });
    expectFindings([RULE], 'net.ipv4.tcp_keepalive_time = 7200\n', { path: 'node/sysctl-a.txt' });
    expectFindings([RULE], fixture('sysctl/sysctl-a-nonroot-procps-4.0.2-kernel-6.18-real.txt'), { path: 'node/sysctl-a.txt' });
    assert.equal(lintExample('healthy-node', 'sysctl-a.txt').filter((r) => r.ruleId === RULE).length, 0);
    assert.equal(lintExample('ipvs-conn-reuse', 'sysctl-a.txt').filter((r) => r.ruleId === RULE).length, 0);
  });
});
