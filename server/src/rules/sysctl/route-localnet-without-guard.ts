import type { ParsedDocument } from '../../node/document';
import { isComplete, matchOption, targetName } from '../../formats/iptables/query';
import type { IptRule } from '../../formats/iptables/model';
import { note, reviewFix, run } from '../shared/commands';
import { defineRule, type Fix, type Related } from '../rule';
import type { NodeSnapshot } from '../../node/snapshot';
import { nftablesMode } from '../nftables/shared';
import { selectorText } from '../../formats/nftables/query';
import { documentRole, ipvsUsage, replaceValueFix, severityFor } from './shared';
import { numberOf } from '../../formats/sysctl/query';
import { nodePath } from '../../node/nodePath';

const KEY = 'net.ipv4.conf.all.route_localnet';
const LOCALNET = /^127\.0\.0\.0\/(?:8|255\.0\.0\.0)$/;
const GUARD = run('iptables', '-I', 'INPUT', '-d', '127.0.0.0/8', '!', '-s', '127.0.0.0/8', '-m', 'conntrack', '!', '--ctstate', 'RELATED,ESTABLISHED,DNAT', '-j', 'DROP');

/**
 * The CVE-2020-8558 guard: `! -s 127.0.0.0/8 -d 127.0.0.0/8 ... ! --ctstate RELATED,ESTABLISHED,DNAT
 * -j DROP` (kubelet/kube-proxy put it in KUBE-FIREWALL; the manual form goes into INPUT). Field
 * order and the conntrack spelling vary, so the rule is matched on its parts.
 */
function isGuard(r: IptRule): boolean {
  if (r.table !== 'filter' || targetName(r) !== 'DROP') return false;
  const d = r.destination;
  const s = r.source;
  if (!d || d.negation || !LOCALNET.test(d.value.value)) return false;
  if (!s || !s.negation || !LOCALNET.test(s.value.value)) return false;
  const state = matchOption(r, 'conntrack', '--ctstate') ?? matchOption(r, 'state', '--state');
  // Without a state match the rule is stricter still (drops even replies): it guards too.
  return !state || state.negation !== undefined;
}

interface GuardSearch {
  readonly state: 'found' | 'missing' | 'unknown';
  readonly related: Related[];
  readonly where?: string;
}

function searchGuard(iptables: readonly ParsedDocument<'iptables'>[], node: NodeSnapshot): GuardSearch {
  let filterSeen: ParsedDocument<'iptables'> | undefined;
  const related: Related[] = [];
  for (const doc of iptables) {
    if (doc.model.header?.family === 'ipv6') continue;
    const filter = doc.model.tables.find((t) => t.name.value === 'filter');
    if (!filter) continue;
    if (filter.rules.some(isGuard)) return { state: 'found', related: [] };
    // A fragment or a cut paste may hold the guard in the part it does not show.
    if (!isComplete(doc.model, filter)) continue;
    if (!filterSeen) {
      filterSeen = doc;
      const fw = filter.chains.find((c) => c.name.value === 'KUBE-FIREWALL');
      related.push({ document: doc, span: fw ? fw.span : filter.span, message: fw ? 'KUBE-FIREWALL has no "block incoming localnet connections" rule' : 'the filter table has no localnet guard rule' });
    }
  }
  return filterSeen ? { state: 'missing', related, where: nodePath(filterSeen, node) } : { state: 'unknown', related: [] };
}

/**
 * The same guard in an nftables table (`ip saddr != 127.0.0.0/8 ip daddr 127.0.0.0/8 … drop`): a
 * node in kube-proxy's nftables mode, or with a host firewall, keeps it there, not in iptables.
 */
function nftGuard(node: NodeSnapshot): Related | undefined {
  for (const doc of node.ofKind('nftables')) {
    for (const t of doc.model.tables) {
      for (const c of t.chains) {
        for (const r of c.rules) {
          let dst = false;
          let src = false;
          let drop = false;
          for (const s of r.statements) {
            if (s.kind === 'match' && s.right?.kind === 'value' && LOCALNET.test(s.right.text)) {
              const sel = selectorText(s.left);
              if (sel === 'ip daddr' && s.op?.value !== '!=') dst = true;
              if (sel === 'ip saddr' && s.op?.value === '!=') src = true;
            }
            if ((s.kind === 'verdict' && s.verdict.value === 'drop') || s.kind === 'reject') drop = true;
          }
          if (dst && src && drop) return { document: doc, span: r.span, message: 'localnet guard in nftables' };
        }
      }
    }
  }
  return undefined;
}

/**
 * NET-SYS-008: `route_localnet = 1` lets packets addressed to 127.0.0.0/8 arrive from outside;
 * without the KUBE-FIREWALL guard rule, neighbours can reach services bound to the node's
 * localhost (CVE-2020-8558).
 */
export default defineRule({
  meta: {
    id: 'sysctl/route-localnet-without-guard',
    title: 'route_localnet=1 without the CVE-2020-8558 localnet guard rule',
    severity: 'warning',
    reads: 'sysctl',
    uses: ['iptables', 'k8s', 'ipvsadm'],
    fix: 'edit',
    messages: {
      // {kubeProxy}: what the node's kube-proxy mode says about who set it.
      noGuard: `{key} = {value} lets packets addressed to 127.0.0.0/8 be routed in from outside: without the guard rule, hosts on the same L2 segment (and containers) can reach services that listen only on the node's 127.0.0.1 (CVE-2020-8558). {where} has no rule dropping non-local traffic to 127.0.0.0/8 ("block incoming localnet connections", added to KUBE-FIREWALL by kubelet and kube-proxy 1.16.11 / 1.17.7 / 1.18.4 and later). {kubeProxy}`,
      guardUnknown: `{key} = {value} lets packets addressed to 127.0.0.0/8 be routed in from outside: without the guard rule, hosts on the same L2 segment (and containers) can reach services that listen only on the node's 127.0.0.1 (CVE-2020-8558). Whether the guard rule exists is unknown: add \`iptables-save\` output of this node to the folder to check it. {kubeProxy}`,
    },
  },
  *check({ document, node }) {
    const e = numberOf(document, KEY);
    if (!e || e.number === 0) return;
    if (nftGuard(node)) return;
    const guard = searchGuard(node.ofKind('iptables'), node);
    if (guard.state === 'found') return;
    const usage = ipvsUsage(node);
    const kubeProxy = nftablesMode(node)
      ? 'kube-proxy in nftables mode neither uses route_localnet (NodePorts are never served on 127.0.0.1 there) nor writes the guard, so something else turned it on: add the guard (in iptables or an nftables table) or set it back to 0.'
      : usage.state === 'ipvs'
        ? 'kube-proxy in IPVS mode no longer sets route_localnet (kubernetes/kubernetes#92938), so something else may have turned it on.'
        : 'kube-proxy in iptables mode sets it for NodePorts on localhost (iptables.localhostNodePorts, default true).';
    const data = { key: KEY, value: e.number, kubeProxy };

    const file = documentRole(document) === 'file';
    const fixes: Fix[] = [];
    if (file) {
      fixes.push(replaceValueFix(e, '0', `Set ${KEY} = 0 (localhost NodePorts stop working; set kube-proxy iptables.localhostNodePorts: false)`, false));
    } else {
      fixes.push(
        reviewFix('Add the CVE-2020-8558 localnet guard rule', 'it adds a DROP rule to INPUT; check first that the guard is not already there (iptables -S INPUT) and that nothing on the node relies on 127.0.0.0/8 traffic from outside', [
          note('Drop traffic to 127.0.0.0/8 that does not come from the node itself (CVE-2020-8558 guard):'),
          GUARD,
          note('Lasting fix: kubelet and kube-proxy 1.16.11 / 1.17.7 / 1.18.4 and later add this rule to KUBE-FIREWALL themselves.'),
          note('Or, without NodePorts on localhost: kube-proxy iptables.localhostNodePorts: false (1.26 and later), then'),
          note(`  sysctl -w ${KEY}=0`),
        ]),
      );
    }
    const severity = severityFor('warning', guard.state === 'unknown');
    yield {
      span: e.span,
      ...(guard.state === 'missing' ? { messageId: 'noGuard' as const, data: { ...data, where: guard.where ?? '' } } : { messageId: 'guardUnknown' as const, data }),
      ...(severity ? { severity } : {}),
      related: [...guard.related, ...(usage.state === 'ipvs' ? usage.related : [])],
      fixes,
    };
  },
});
