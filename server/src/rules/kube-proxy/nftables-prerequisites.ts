import { downgrade, type Severity } from '../../core/severity';
import type { Span } from '../../core/span';
import { child, kubeProxyConfigs, setValue, type ContainerView, type KubeProxyConfigView } from '../../formats/k8s';
import type { NodeSnapshot } from '../../node/snapshot';
import { defineRule, type Finding, type Fix, type Related } from '../rule';
import { TELL_KERNEL, TELL_KUBE_PROXY_VERSION, describeKernel, describeKubeProxy, factRelated, kernelAtLeast, kubeProxyAtLeast } from '../../node/questions';
import { configMode, featureGateOn, flagConfiguredContainers, flagMode, known } from '../../formats/k8s/query';
import { NFTABLES_MODE_MIN_KERNEL } from '../shared/kernelGates';

const GATE = 'NFTablesProxyMode';
const KERNEL_MIN = NFTABLES_MODE_MIN_KERNEL;

export default defineRule({
  meta: {
    id: 'kube-proxy/nftables-prerequisites',
    title: 'kube-proxy nftables mode: version, feature gate, kernel and behaviour prerequisites',
    severity: 'error',
    reads: 'k8s',
    uses: ['sysctl'],
    fix: 'edit',
    messages: {
      // {problems}: what is known to be missing, '; '-separated; {also}: ' Also, <what is unknown>.' or nothing.
      unmet: 'mode nftables: {problems}.{also}',
      unverifiable: 'mode nftables cannot be checked: {unknowns}.',
      localhostNodePortsIgnored:
        'iptables.localhostNodePorts: true has no effect in nftables mode: NodePorts are never reachable on 127.0.0.1 there (the route_localnet trick is not used). Clients that connect to localhost:<nodePort> must use a node IP.',
      nodePortAddressesUnset:
        'nodePortAddresses is not set: in nftables mode NodePort Services are then accepted only on the node\'s primary IP(s), not on every local address as in iptables mode. Set nodePortAddresses (e.g. ["0.0.0.0/0"], check the accepted values for your version) if clients reach NodePorts through other addresses.',
    },
  },
  *check({ document, node }) {
    for (const kp of kubeProxyConfigs(document.model)) {
      if (configMode(kp) !== 'nftables') continue;
      yield* prerequisites(node, kp.mode.span, kp, undefined, document.text);
      const lnp = kp.iptables.localhostNodePorts;
      if (known(lnp) && lnp.value === true) {
        yield {
          span: lnp.span,
          messageId: 'localhostNodePortsIgnored',
          severity: 'info',
        };
      }
      if (!kp.nodePortAddresses || kp.nodePortAddresses.length === 0) {
        yield {
          span: kp.mode.span,
          messageId: 'nodePortAddressesUnset',
          severity: 'info',
        };
      }
    }
    for (const c of flagConfiguredContainers(document.model)) {
      const m = flagMode(c);
      if (m?.mode !== 'nftables') continue;
      yield* prerequisites(node, m.flag.value.span, undefined, c, document.text);
    }
  },
});

function* prerequisites(node: NodeSnapshot, span: Span, kp: KubeProxyConfigView | undefined, c: ContainerView | undefined, text: string): Generator<Finding<'unmet' | 'unverifiable'>> {
  const problems: string[] = [];
  const unknowns: string[] = [];
  const related: Related[] = [];
  const fixes: Fix[] = [];
  const v129 = kubeProxyAtLeast(node, [1, 29]);
  const v131 = kubeProxyAtLeast(node, [1, 31]);
  const gate = featureGateOn(kp, c, GATE);
  related.push(...factRelated(node.facts.kubeProxyVersion, 'kube-proxy version'), ...factRelated(node.facts.kernel, 'kernel version'));
  if (v129 === 'no') problems.push(`${describeKubeProxy(node)} does not know nftables mode (added as alpha in 1.29) and fails to start`);
  else if (v131 === 'no' && !gate) {
    problems.push(`${describeKubeProxy(node)} has nftables mode as alpha: it needs featureGates ${GATE}: true (beta and on by default from 1.31)`);
    if (kp) {
      const edits = setValue(text, child(kp.ref, 'featureGates', GATE), true);
      if (edits) fixes.push({ kind: 'edit', title: `Add featureGates ${GATE}: true`, edits, safe: false });
    }
  } else if (v129 === 'unknown') {
    unknowns.push(`the kube-proxy version is unknown: nftables mode needs 1.29 or later${gate ? '' : ` (1.29–1.30 also featureGates ${GATE}: true; beta from 1.31, GA in 1.33)`}; ${TELL_KUBE_PROXY_VERSION}`);
  }
  const k = kernelAtLeast(node, KERNEL_MIN);
  if (k === 'no') problems.push(`${describeKernel(node)} is older than 5.13, which kube-proxy requires for nftables mode (it refuses to start)`);
  else if (k === 'unknown') unknowns.push(`the kernel version is unknown: kube-proxy refuses nftables mode on kernels older than 5.13 (and needs nft 1.0.0+); ${TELL_KERNEL}`);
  if (problems.length === 0 && unknowns.length === 0) return;
  const severity: Severity | undefined = problems.length > 0 ? undefined : downgrade('error');
  const words = problems.length
    ? { messageId: 'unmet' as const, data: { problems: problems.join('; '), also: unknowns.length ? ` Also, ${unknowns.join('; ')}.` : '' } }
    : { messageId: 'unverifiable' as const, data: { unknowns: unknowns.join('; and ') } };
  yield { span, ...words, ...(severity ? { severity } : {}), related, ...(fixes.length ? { fixes } : {}) };
}
