import type { IptRule, IptTable } from '../../formats/iptables/model';
import { isComplete, matchOption, table, targetName, chainRules, matchesMarked } from '../../formats/iptables/query';
import { guarded, note, reviewFix, run } from '../shared/commands';
import { defineRule, type Fix } from '../rule';
import { nftablesMode } from '../nftables/shared';
import { factWhere } from '../../node/questions';
import { insertLinesAfter, insertLinesBefore } from '../shared/edits';
import { countersPrefix, iptablesCommand, looksLikeKubernetesNode, masqueradeMark, podCidr } from './support';

/** CNI chains that carry their own accept logic for pod traffic. */
const CNI_FORWARD_CHAIN = /^(?:cali-|CILIUM_|WEAVE-|KUBE-ROUTER-|ANTREA-)/;
/** Chains a CNI declares: where they exist, the CNI writes its own accept rules (evidence enough, even when the jump to them is not shown). */
const CNI_CHAIN = /^(?:cali-|CILIUM_|FLANNEL-|WEAVE-|KUBE-ROUTER-|ANTREA-)/;
/** Pod bridges and overlay devices: ACCEPT rules on them are pod accept paths. */
const POD_INTERFACE = /^(?:cni\d*|cbr\d*|flannel[.\w]*|vxlan[.\w-]*|cali[\w+]*|cilium[\w+]*|lxc[\w+]*|weave|kube-bridge|tun\w*)$/;
/** Matches that keep an ACCEPT from being a general accept path. */
const ONLY_DESCRIPTIVE = new Set(['comment']);
const MAX_DEPTH = 8;

/**
 * NET-IPT-007: with the filter FORWARD policy DROP (Docker sets it when it enables forwarding),
 * pod traffic that no rule accepts is dropped: pods cannot reach other nodes or the outside.
 */
export default defineRule({
  meta: {
    id: 'iptables/forward-drop-without-pod-accept',
    title: 'FORWARD policy DROP with no rule accepting pod traffic',
    severity: 'warning',
    reads: 'iptables',
    uses: ['k8s'],
    fix: 'edit',
    messages: {
      // {pod}: ' <pod CIDR>' or nothing; {dropped}, {withheld}: optional sentences with a leading space; {from}: ' (pod network from ...)' or nothing.
      dropPolicy:
        "The FORWARD policy is DROP and no rule reachable from FORWARD accepts pod traffic (no kube-proxy KUBE-FORWARD accept rules, no flannel FLANNEL-FWD, no CNI chain, no ACCEPT for the pod network{pod}): traffic between pods on different nodes and from pods to the outside is dropped.{dropped} Docker sets this policy when it enables forwarding. Keep flannel's --iptables-forward-rules (default true) or let kube-proxy write KUBE-FORWARD, or accept the pod network explicitly{from}.{withheld}",
      dropPolicyNftablesMode:
        "The FORWARD policy is DROP and no rule reachable from FORWARD accepts pod traffic (no flannel FLANNEL-FWD, no CNI chain, no ACCEPT for the pod network{pod}): traffic between pods on different nodes and from pods to the outside is dropped.{dropped} kube-proxy runs in nftables mode ({mode}): it writes no KUBE-FORWARD accept rules there, and accepts in its own table cannot override this policy (a drop at a hook is final). Keep flannel's --iptables-forward-rules (default true), or accept the pod network explicitly{from}.{withheld}",
    },
  },
  *check({ document, node }) {
    const { model } = document;
    const filter = table(model, 'filter');
    const forward = filter?.chains.find((c) => c.name.value === 'FORWARD');
    if (!filter || !forward?.policy || forward.policy.value !== 'DROP') return;
    // A verdict about something missing needs the whole table: not a fragment, a cut paste or an elided one.
    if (!isComplete(model, filter)) return;
    // A CNI chain with rules: the CNI is active on this node and keeps its own accept rules (hooked where this dump may not show).
    if (model.tables.some((t) => t.chains.some((c) => CNI_CHAIN.test(c.name.value) && c.rules.length > 0))) return;
    // A host firewall that drops forwarded traffic on purpose is not a Kubernetes node.
    if (!looksLikeKubernetesNode(model)) return;
    const mark = masqueradeMark(model, node).mark;
    if (hasAcceptPath(filter, mark)) return;

    const cidr = podCidr(model, node);
    const dropped = forward.counters && forward.counters.packets > 0 ? ` The policy counters show ${forward.counters.packets} packets dropped this way since they were last reset.` : '';
    // nftables mode: kube-proxy writes no KUBE-FORWARD, so its absence proves nothing; the DROP policy
    // still drops (a drop at a hook is final whatever another table accepts), so the finding stands.
    const nft = nftablesMode(node);
    const data = { pod: cidr ? ` ${cidr.cidr}` : '', dropped, from: cidr ? ` (pod network from ${cidr.describe})` : '' };

    const cmd = iptablesCommand(model);
    const fixes: Fix[] = [];
    const forwardRules = chainRules(filter, 'FORWARD');
    if (cidr && model.variant === 'save') {
      const last = forwardRules[forwardRules.length - 1];
      const prefix = last ? countersPrefix(last) : filter.rules[0] ? countersPrefix(filter.rules[0]) : '';
      const lines = [`${prefix}-A FORWARD -s ${cidr.cidr} -j ACCEPT`, `${prefix}-A FORWARD -d ${cidr.cidr} -j ACCEPT`];
      const edit = last ? insertLinesAfter(document, last.line, lines) : filter.commit ? insertLinesBefore(document, document.lines.positionAt(filter.commit.start).line, lines) : undefined;
      if (edit) fixes.push({ kind: 'edit', title: `Accept forwarded traffic from and to the pod network ${cidr.cidr}`, edits: [edit], safe: false });
    }
    // The pod network comes from a manifest or the rules: checked before it reaches a command.
    const g = guarded(cidr ? [['cidr', cidr.cidr]] : [], () =>
      reviewFix(
        cidr ? `Accept forwarded traffic from and to ${cidr.cidr}` : 'Accept forwarded traffic',
        cidr ? 'it opens the firewall for forwarded pod traffic; check the pod network first' : 'it accepts every forwarded packet (the pod network is unknown)',
        [
          ...(cidr
            ? [note(`Accept forwarded traffic from and to the pod network (${cidr.describe}):`), run(cmd, '-A', 'FORWARD', '-s', cidr.cidr, '-j', 'ACCEPT'), run(cmd, '-A', 'FORWARD', '-d', cidr.cidr, '-j', 'ACCEPT')]
            : [note('The pod network is unknown: the coarse fix accepts every forwarded packet (add -s/-d <pod CIDR> rules instead if you know it).'), run(cmd, '-P', 'FORWARD', 'ACCEPT')]),
          note('Persist it in the rules restored at boot (e.g. /etc/iptables/rules.v4), or keep flannel --iptables-forward-rules=true.'),
        ],
      ),
    );
    if ('fix' in g) fixes.push(g.fix);
    const withheld = 'fix' in g ? '' : ` ${g.withheld}`;
    yield {
      span: forward.policy.span,
      ...(nft ? { messageId: 'dropPolicyNftablesMode' as const, data: { ...data, withheld, mode: factWhere(nft) } } : { messageId: 'dropPolicy' as const, data: { ...data, withheld } }),
      fixes,
    };
  },
});

/** Rules reachable from FORWARD (following jumps and gotos) that accept pod traffic. */
function hasAcceptPath(filter: IptTable, mark: number): boolean {
  const byChain = new Map<string, IptRule[]>();
  for (const r of filter.rules) {
    const list = byChain.get(r.chain.value);
    if (list) list.push(r);
    else byChain.set(r.chain.value, [r]);
  }
  const visited = new Set<string>();
  const sources = new Set<string>();
  const destinations = new Set<string>();
  let markAccept = false;
  let establishedAccept = false;
  const walk = (chain: string, depth: number): boolean => {
    if (visited.has(chain) || depth > MAX_DEPTH) return false;
    visited.add(chain);
    for (const r of byChain.get(chain) ?? []) {
      const target = targetName(r);
      if (!target) continue;
      if (CNI_FORWARD_CHAIN.test(target)) return true;
      if (target === 'ACCEPT') {
        const plain = r.matches.every((m) => ONLY_DESCRIPTIVE.has(m.name.value));
        const iface = [r.inInterface, r.outInterface].some((i) => i && !i.negation && POD_INTERFACE.test(i.value.value));
        if (plain && !r.source && !r.destination && !r.inInterface && !r.outInterface && !r.protocol) return true;
        if (iface) return true;
        if (plain && r.source && !r.source.negation && !r.destination) sources.add(r.source.value.value);
        if (plain && r.destination && !r.destination.negation && !r.source) destinations.add(r.destination.value.value);
        if (matchesMarked(r, mark)) markAccept = true;
        const state = matchOption(r, 'conntrack', '--ctstate') ?? matchOption(r, 'state', '--state');
        if (state && !state.negation && /\bESTABLISHED\b/.test(state.values[0]?.value ?? '')) establishedAccept = true;
      } else if (byChain.has(target) && walk(target, depth + 1)) return true;
    }
    return false;
  };
  if (walk('FORWARD', 0)) return true;
  if (markAccept && establishedAccept && visited.has('KUBE-FORWARD')) return true;
  for (const s of sources) if (destinations.has(s)) return true;
  return false;
}
