import { compareVersions } from '../../core/version';
import { describeFact } from '../../node/facts';
import { defineRule } from '../rule';
import { ruleStart, targetName } from '../../formats/iptables/query';
import { ruleIndex } from '../../formats/iptables/navigation';
import type { IptRule, IptTable } from '../../formats/iptables/model';
import { factRelated } from '../../node/questions';

/** Internal kube chains and what became of them (KEP-3178, k/k#110289, #119374). */
const INTERNAL: ReadonlyMap<string, string> = new Map([
  ['KUBE-MARK-DROP', 'kube-proxy stopped using it in 1.25 and kubelet stopped creating it in 1.28, so on current nodes the jump fails or the mark is never acted on'],
  ['KUBE-MARK-MASQ', 'kubelet stopped creating it in 1.28; kube-proxy still creates it only in iptables and ipvs mode, and its mark bit is configurable'],
  ['KUBE-POSTROUTING', 'kubelet stopped creating it in 1.28; kube-proxy creates it only in iptables and ipvs mode and changed its rules before (1.19 unmarks before masquerading)'],
  ['KUBE-FIREWALL', 'kubelet stopped creating it in 1.28 and its mark-drop rule went with KUBE-MARK-DROP; kube-proxy now only keeps the localnet guard there'],
]);

/** The hooks kube-proxy and kubelet install themselves into built-in chains. */
const OWN_HOOKS = new Set(['nat POSTROUTING KUBE-POSTROUTING', 'filter INPUT KUBE-FIREWALL', 'filter OUTPUT KUBE-FIREWALL']);
const LEFTOVER_FROM = [1, 28];

/**
 * NET-IPT-003: rules outside the KUBE-* chains that jump into kube-proxy's or kubelet's internal
 * chains depend on something that was never an API and has changed under them.
 */
export default defineRule({
  meta: {
    id: 'iptables/third-party-kube-chain-dependency',
    title: "Rules outside kube-proxy's chains jump into its internal KUBE-* chains",
    severity: 'warning',
    reads: 'iptables',
    uses: ['k8s'],
    messages: {
      jumpsToInternal: '{chain} jumps to {target}, an internal chain of kube-proxy/kubelet, not an interface: {why}. Create your own chain and mark (or use -j DROP / -j MASQUERADE directly) instead.',
      goesToInternal: '{chain} goes to {target}, an internal chain of kube-proxy/kubelet, not an interface: {why}. Create your own chain and mark (or use -j DROP / -j MASQUERADE directly) instead.',
      leftoverMarkDrop:
        'KUBE-MARK-DROP exists although kube-proxy is {kubeProxy}: nothing in kube-proxy 1.25+ uses it and kubelet 1.28+ no longer creates it, so it is a leftover of an older kubelet (or a tool creates it); rules relying on it stop working when it goes.',
    },
  },
  *check({ document, node }) {
    const { model } = document;
    for (const t of model.tables) {
      for (const rule of thirdPartyJumps(t)) {
        const target = rule.target!;
        const what = INTERNAL.get(target.name.value);
        if (!what || OWN_HOOKS.has(`${t.name.value} ${rule.chain.value} ${target.name.value}`)) continue;
        // A fragment's table is inferred: a hook kube-proxy writes in any table is not a third party's.
        if (t.inferred && [...OWN_HOOKS].some((h) => h.endsWith(` ${rule.chain.value} ${target.name.value}`))) continue;
        yield {
          span: target.name.span,
          messageId: target.kind === 'goto' ? 'goesToInternal' : 'jumpsToInternal',
          data: { chain: rule.chain.value, target: target.name.value, why: what },
        };
      }
    }
    const kp = node.facts.kubeProxyVersion;
    if (!kp || compareVersions(kp.value, LEFTOVER_FROM) < 0) return;
    for (const t of model.tables) {
      const c = t.chains.find((x) => x.name.value === 'KUBE-MARK-DROP');
      if (!c) continue;
      yield {
        span: c.name.span,
        messageId: 'leftoverMarkDrop',
        data: { kubeProxy: describeFact(kp, (v) => v.text) },
        severity: 'info',
        related: factRelated(kp, `kube-proxy ${kp.value.text}`),
      };
    }
  },
});

/**
 * The table's rules outside KUBE-* chains that jump to an internal chain, in text order. Chain by
 * chain (navigation.ts' index): a kube-proxy dump's rules are nearly all in KUBE-* chains, which
 * are passed over by name without reading one of their rules.
 */
function thirdPartyJumps(t: IptTable): IptRule[] {
  const found: IptRule[] = [];
  for (const [chain, rules] of ruleIndex(t).inChain) {
    if (chain.startsWith('KUBE-')) continue;
    for (const rule of rules) {
      // Names first (a save rule's from its columns, no tokens made): nearly every rule stops here.
      const name = targetName(rule);
      if (name !== undefined && INTERNAL.has(name)) found.push(rule);
    }
  }
  if (found.length > 1) found.sort((a, b) => ruleStart(a) - ruleStart(b));
  return found;
}
