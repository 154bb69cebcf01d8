import { compareVersions } from '../../core/version';
import { describeFact } from '../../node/facts';
import { defineRule, type Related } from '../rule';
import { insertFailed, RANDOM_FULLY_KUBE_PROXY, tooOldForRandomFully } from './randomFullyCauses';
import { factRelated } from '../../node/questions';

/**
 * kube-proxy only adds `--random-fully` to its KUBE-POSTROUTING masquerade rule when it is 1.16 or
 * newer and the iptables it runs reports 1.6.2 or newer; older set-ups silently skip it.
 *
 * One finding per cause: this rule owns kube-proxy's masquerade rule when a version explains the
 * missing flag, and iptables/masquerade-without-random-fully leaves that rule to it; the rule itself
 * (and the node's insert_failed counter, if any) is related information here.
 */
export default defineRule({
  meta: {
    id: 'iptables/too-old-for-random-fully',
    title: 'kube-proxy or iptables too old to add --random-fully to KUBE-POSTROUTING',
    severity: 'info',
    reads: 'iptables',
    uses: ['k8s', 'conntrack'],
    messages: {
      // {failed}: ' conntrack -S shows insert_failed = N, so the race is happening.' or nothing.
      kubeProxyPredatesFlag: 'kube-proxy {kubeProxy} predates --random-fully (added in 1.16, k/k#78547), so its service masquerade rule picks SNAT source ports without it and parallel connections can collide (insert_failed, 1 s connect delays).{failed} Upgrade kube-proxy to 1.17 or later.',
      kubeProxyImageTooOld:
        'kube-proxy {kubeProxy} adds --random-fully only when its own iptables is 1.6.2 or newer, and the official 1.16 images ship an older one (1.17 images moved to iptables 1.8, k/k#82966), so its service masquerade rule picks SNAT source ports without it and parallel connections can collide (insert_failed, 1 s connect delays).{failed} Upgrade kube-proxy to 1.17 or later.',
      hostIptablesTooOld: 'This dump was written by iptables {iptables}, older than 1.6.2: kube-proxy adds --random-fully only when the iptables it runs is 1.6.2 or newer, and an iptables this old does not know the flag, so its dump could not show it even if the kernel rule had it. kube-proxy {kubeProxy} normally runs the iptables of its own image, so this is only a hint.{failed} Upgrade iptables on the host (and kube-proxy to 1.17 or later).',
      hostIptablesTooOldKubeProxyUnknown:
        'This dump was written by iptables {iptables}, older than 1.6.2: kube-proxy adds --random-fully only when the iptables it runs is 1.6.2 or newer, and an iptables this old does not know the flag, so its dump could not show it even if the kernel rule had it. kube-proxy normally runs the iptables of its own image, which may be newer (the kube-proxy version is unknown: set kubeNetlint.facts.kubeProxyVersion or add its DaemonSet).{failed} Upgrade iptables on the host (and kube-proxy to 1.17 or later).',
    },
  },
  *check({ document, node }) {
    const found = tooOldForRandomFully(document.model, node);
    if (!found) return;
    const first = found.rules[0]!;
    const failed = insertFailed(node);
    const evidence: Related[] = [
      ...found.rules.map((r) => ({ document, span: r.target?.name.span ?? r.span, message: 'kube-proxy masquerade rule without --random-fully (not reported again by iptables/masquerade-without-random-fully)' })),
      ...(failed ? [failed.related] : []),
    ];
    const failedText = failed ? ` conntrack -S shows insert_failed = ${failed.total}, so the race is happening.` : '';
    const { cause } = found;
    if (cause.kind === 'kube-proxy') {
      const kp = cause.kubeProxy;
      yield {
        span: first.chain.span,
        messageId: compareVersions(kp.value, RANDOM_FULLY_KUBE_PROXY) < 0 ? 'kubeProxyPredatesFlag' : 'kubeProxyImageTooOld',
        data: { kubeProxy: describeFact(kp, (v) => v.text), failed: failedText },
        ...(failed ? { severity: 'warning' as const } : {}),
        related: [...evidence, ...factRelated(kp, `kube-proxy ${kp.value.text}`)],
      };
      return;
    }
    const kp = node.facts.kubeProxyVersion;
    yield {
      span: cause.version.span,
      ...(kp
        ? { messageId: 'hostIptablesTooOld' as const, data: { iptables: cause.version.value, kubeProxy: describeFact(kp, (v) => v.text), failed: failedText } }
        : { messageId: 'hostIptablesTooOldKubeProxyUnknown' as const, data: { iptables: cause.version.value, failed: failedText } }),
      severity: failed ? 'warning' : 'hint',
      related: [...evidence, ...factRelated(kp, `kube-proxy ${kp?.value.text ?? ''}`)],
    };
  },
});
