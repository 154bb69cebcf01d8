import { describeFact } from '../../node/facts';
import type { NodeSnapshot } from '../../node/snapshot';
import { allDocuments } from '../../formats/k8s';
import { effective } from '../../formats/sysctl';
import { defineRule, type EditFix, type Fix, type Related, type TextEdit } from '../rule';
import { plural } from '../shared/phrases';
import { commandFix, documentRole, insertLinesFix } from './shared';
import { numberOf } from '../../formats/sysctl/query';

const PREFIX = 'net.ipv4.neigh.default.';
const T1 = `${PREFIX}gc_thresh1`;
const T2 = `${PREFIX}gc_thresh2`;
const T3 = `${PREFIX}gc_thresh3`;
/** The kernel default of gc_thresh3; at or below it, large flat networks overflow the table. */
const SMALL = 1024;
/** The values Amazon Linux ships (/etc/sysctl.d/00-defaults.conf). */
const RECOMMENDED = { [T1]: '0', [T2]: '15360', [T3]: '16384' } as const;

interface Peers {
  readonly count: number;
  readonly what: string;
  readonly related: Related[];
}

/**
 * How many neighbours this node may need, from the nodeCount setting or what the folder shows:
 * Node objects (every node is a neighbour on the host network, and another on a VXLAN/host-gw overlay), or the distinct
 * endpoint addresses of IPVS real servers (each a neighbour where pod IPs are routable on the
 * node's L2, e.g. cloud VPC CNIs).
 */
function peers(node: NodeSnapshot): Peers | undefined {
  const nodes = clusterNodes(node);
  const addresses = new Set<string>();
  let ipvsRelated: Related | undefined;
  for (const d of node.ofKind('ipvsadm')) {
    for (const svc of d.model.services) {
      for (const rs of svc.realServers) {
        if (rs.address.ip) addresses.add(rs.address.ip);
        ipvsRelated ??= { document: d, span: rs.address.span, message: 'IPVS real servers (pod endpoints)' };
      }
    }
  }
  // Two neighbour entries per node (host network and overlay) against one per endpoint address.
  const byNodes = nodes.count * 2;
  if (byNodes === 0 && addresses.size === 0) return undefined;
  if (byNodes >= addresses.size) return { count: byNodes, what: `${nodes.what} (about two neighbour entries each: host network and overlay)`, related: nodes.related };
  return { count: addresses.size, what: `${plural(addresses.size, 'distinct endpoint address', 'distinct endpoint addresses')} among the IPVS real servers`, related: ipvsRelated ? [ipvsRelated] : [] };
}

/** The cluster's node count: the nodeCount setting (the user knows the whole cluster), else the Node objects in the folder. */
function clusterNodes(node: NodeSnapshot): Peers {
  const setting = node.facts.nodeCount;
  if (setting) return { count: setting.value, what: `${describeFact(setting, (n) => plural(n, 'node'))} in the cluster`, related: [] };
  let count = 0;
  let related: Related | undefined;
  for (const d of node.ofKind('k8s')) {
    for (const doc of allDocuments(d.model)) {
      if (doc.kind?.value !== 'Node') continue;
      count++;
      related ??= { document: d, span: doc.kind.span, message: 'Node objects of the cluster' };
    }
  }
  return { count, what: `${plural(count, 'Node object')} in the folder`, related: related ? [related] : [] };
}

/**
 * NET-SYS-009: `gc_thresh3` at or below the kernel default (1024) on a node whose folder shows
 * more neighbours than that. Without such evidence the rule stays silent: small clusters never
 * hit the limit.
 */
export default defineRule({
  meta: {
    id: 'sysctl/neighbour-table-small',
    title: 'Neighbour (ARP) table limit too small for the number of peers (neighbor table overflow)',
    severity: 'info',
    reads: 'sysctl',
    uses: ['k8s', 'ipvsadm'],
    fix: 'edit',
    messages: {
      tooSmall:
        '{key} = {limit} while this node may need about {peers} neighbour entries ({evidence}): above gc_thresh3 the kernel refuses new entries ("neighbour: arp_cache: neighbor table overflow!") and traffic to new peers fails intermittently. Whether every peer is a neighbour depends on the network (flat L2 and routable pod IPs: yes; overlays: one per node).',
    },
  },
  *check({ document, node }) {
    const t3 = numberOf(document, T3);
    if (!t3 || t3.number > SMALL) return;
    const p = peers(node);
    if (!p || p.count <= t3.number) return;
    let fix: Fix;
    if (documentRole(document) === 'file') {
      const edits: TextEdit[] = [];
      const missing: string[] = [];
      for (const key of [T1, T2, T3] as const) {
        const e = effective(document.model, key);
        if (e && !e.glob) edits.push({ span: e.value.span, newText: RECOMMENDED[key] });
        else if (key === T2) missing.push(`${T2} = ${RECOMMENDED[T2]}`);
      }
      if (missing.length > 0) edits.push(...insertLinesFix(document, t3, missing, '', true).edits);
      const edit: EditFix = { kind: 'edit', title: `Raise the neighbour table limits (gc_thresh2 ${RECOMMENDED[T2]}, gc_thresh3 ${RECOMMENDED[T3]})`, safe: true, edits };
      fix = edit;
    } else {
      fix = commandFix(
        `Raise the neighbour table limits (gc_thresh2 ${RECOMMENDED[T2]}, gc_thresh3 ${RECOMMENDED[T3]})`,
        ['Room for every node and pod this host talks to directly (values Amazon Linux ships; do the same for net.ipv6.neigh.default.* on IPv6).'],
        [T1, T2, T3].map((key) => ({ key, value: RECOMMENDED[key as keyof typeof RECOMMENDED] })),
        '90-neighbour-table.conf',
      );
    }
    yield { span: t3.span, messageId: 'tooSmall', data: { key: T3, limit: t3.number, peers: p.count, evidence: p.what }, related: p.related, fixes: [fix] };
  },
});
