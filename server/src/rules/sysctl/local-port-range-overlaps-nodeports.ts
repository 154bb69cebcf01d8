import type { Span } from '../../core/span';
import type { NodeSnapshot } from '../../node/snapshot';
import { allDocuments, containers } from '../../formats/k8s';
import { effective } from '../../formats/sysctl';
import { defineRule, type Fix, type Related } from '../rule';
import { plural, shortList } from '../shared/phrases';
import { commandFix, documentRole, insertLinesFix, replaceValueFix, type SysctlDoc } from './shared';
import { valueOf } from '../../formats/sysctl/query';
import { nodePath } from '../../node/nodePath';

const RANGE = 'net.ipv4.ip_local_port_range';
const RESERVED = 'net.ipv4.ip_local_reserved_ports';
const DEFAULT_NODEPORTS: Interval = [30000, 32767];
const KERNEL_DEFAULT_RANGE = '32768 60999';
/** Narrower than this, a node with heavy outbound churn runs out of ephemeral ports. */
const NARROW = 10000;

type Interval = readonly [number, number];

interface NodePortRange {
  readonly range: Interval;
  readonly source: string;
  readonly related?: Related;
}

/** `--service-node-port-range` of a kube-apiserver manifest in the node folder, else the default. */
function nodePortRange(node: NodeSnapshot): NodePortRange {
  for (const d of node.ofKind('k8s')) {
    for (const c of containers(d.model)) {
      const f = c.flags.find((x) => x.name.value === '--service-node-port-range' && x.value);
      const m = f?.value && /^(\d+)[-+](\d+)$/.exec(f.value.value.trim());
      if (f?.value && m) {
        const lo = Number(m[1]);
        const hi = m[0].includes('+') ? lo + Number(m[2]) - 1 : Number(m[2]);
        return { range: [lo, hi], source: `--service-node-port-range in ${nodePath(d, node)}`, related: { document: d, span: f.value.span, message: 'NodePort range' } };
      }
    }
  }
  return { range: DEFAULT_NODEPORTS, source: 'the default NodePort range' };
}

interface AllocatedPort {
  readonly port: number;
  readonly label: string;
  readonly related: Related;
}

/** NodePorts allocated to Services in the node folder's manifests. */
function allocatedNodePorts(node: NodeSnapshot): AllocatedPort[] {
  const out: AllocatedPort[] = [];
  for (const d of node.ofKind('k8s')) {
    for (const doc of allDocuments(d.model)) {
      if (!doc.service) continue;
      const name = [doc.metadata?.namespace?.value, doc.metadata?.name?.value].filter((x) => x).join('/') || 'Service';
      for (const p of doc.service.ports) {
        if (p.nodePort && Number.isInteger(p.nodePort.value)) {
          out.push({ port: p.nodePort.value, label: `${p.nodePort.value} (${name})`, related: { document: d, span: p.nodePort.span, message: `NodePort ${p.nodePort.value} of ${name}` } });
        }
      }
    }
  }
  return out;
}

/** `30000-32767,8080` → intervals; anything unreadable is ignored. */
function parseReserved(value: string): Interval[] {
  const out: Interval[] = [];
  for (const part of value.split(/[,\s]+/)) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (m) out.push([Number(m[1]), Number(m[2] ?? m[1])]);
  }
  return out;
}

/** The parts of `range` not covered by `holes`, as sorted intervals. */
function subtract(range: Interval, holes: readonly Interval[]): Interval[] {
  let pieces: Interval[] = [range];
  for (const [a, b] of holes) {
    const next: Interval[] = [];
    for (const [lo, hi] of pieces) {
      if (b < lo || a > hi) next.push([lo, hi]);
      else {
        if (a > lo) next.push([lo, a - 1]);
        if (b < hi) next.push([b + 1, hi]);
      }
    }
    pieces = next;
  }
  return pieces;
}

const show = ([a, b]: Interval): string => (a === b ? `${a}` : `${a}-${b}`);

/** The reserved-ports setting: this document's, else another sysctl document of the node. */
function reservedPorts(doc: SysctlDoc, node: NodeSnapshot): { value: string; doc: SysctlDoc; span: Span } | undefined {
  for (const d of [doc, ...node.ofKind('sysctl').filter((x) => x !== doc)]) {
    const e = valueOf(d, RESERVED);
    if (e) return { value: e.value.value, doc: d, span: e.span };
  }
  return undefined;
}

/**
 * NET-SYS-004: the ephemeral port range overlaps the NodePort range (and the overlap is not
 * reserved), so an outgoing connection can get a NodePort as its source port and have its replies
 * captured by the NodePort DNAT rule. Also: a narrow ephemeral range (info).
 */
export default defineRule({
  meta: {
    id: 'sysctl/local-port-range-overlaps-nodeports',
    title: 'Ephemeral port range overlaps the NodePort range (outgoing connections can hang)',
    severity: 'warning',
    reads: 'sysctl',
    uses: ['k8s'],
    fix: 'edit',
    messages: {
      narrowRange:
        '{key} = {low} {high} leaves only {ports} ephemeral ports per destination address and port: a node (or pod) opening many short outgoing connections to the same service can run out of source ports while old ones sit in TIME_WAIT (60 s). The kernel default is {kernelDefault}.',
      // {allocated} and {reservedFrom}: optional sentences (leading space) naming the NodePorts in use and where the reserved list comes from.
      overlapsNodePorts:
        '{key} = {low} {high} overlaps {nodePorts} {nodePortRange} ({uncovered} not in {reservedKey}): kube-proxy 1.24 and later hold no socket on NodePorts, so the kernel can give a NodePort number to an outgoing connection, whose replies then match the NodePort DNAT rule and the connection (e.g. kubelet to the API server) hangs.{allocated}{reservedFrom}',
    },
  },
  *check({ document, node }) {
    const entry = valueOf(document, RANGE);
    const lo = entry?.parts[0]?.number;
    const hi = entry?.parts[1]?.number;
    if (!entry || lo === undefined || hi === undefined || hi < lo) return;
    const file = documentRole(document) === 'file';
    const np = nodePortRange(node);
    const overlap: Interval = [Math.max(lo, np.range[0]), Math.min(hi, np.range[1])];

    if (overlap[0] > overlap[1]) {
      if (hi - lo + 1 < NARROW) {
        yield {
          span: entry.span,
          severity: 'info',
          messageId: 'narrowRange',
          data: { key: RANGE, low: lo, high: hi, ports: hi - lo + 1, kernelDefault: KERNEL_DEFAULT_RANGE },
        };
      }
      return;
    }

    const reserved = reservedPorts(document, node);
    const uncovered = subtract(overlap, reserved ? parseReserved(reserved.value) : []);
    if (uncovered.length === 0) return;

    const related: Related[] = [];
    if (np.related) related.push(np.related);
    const allocated = allocatedNodePorts(node).filter((p) => uncovered.some(([a, b]) => p.port >= a && p.port <= b));
    related.push(...allocated.slice(0, 10).map((p) => p.related));
    const data = {
      key: RANGE,
      low: lo,
      high: hi,
      nodePorts: np.source,
      nodePortRange: show(np.range),
      uncovered: uncovered.map(show).join(', '),
      reservedKey: RESERVED,
      allocated: allocated.length > 0 ? ` Services on this node use ${plural(allocated.length, 'NodePort')} in that range: ${shortList(allocated.map((p) => p.label))}.` : '',
      reservedFrom: reserved && reserved.doc !== document ? ` ${RESERVED} = ${reserved.value} comes from ${nodePath(reserved.doc, node)}.` : '',
    };

    const reservedValue = [reserved?.value.trim(), show(np.range)].filter((x) => x).join(',');
    const fixes: Fix[] = [];
    const reserveTitle = `Reserve the NodePort range: ${RESERVED} = ${reservedValue}`;
    if (file) {
      const own = effective(document.model, RESERVED);
      if (own && !own.glob) fixes.push(replaceValueFix(own, reservedValue, reserveTitle, true));
      else fixes.push(insertLinesFix(document, entry, [`${RESERVED} = ${reservedValue}`], reserveTitle, true));
      const defaultFree = 32768 > np.range[1] || 60999 < np.range[0];
      if (defaultFree) fixes.push(replaceValueFix(entry, KERNEL_DEFAULT_RANGE, `Move the ephemeral range back to the kernel default ${KERNEL_DEFAULT_RANGE}`, false));
    } else {
      fixes.push(
        commandFix(
          reserveTitle,
          ['Keep the kernel from handing NodePorts to outgoing connections (kube-proxy no longer holds those ports open).'],
          [{ key: RESERVED, value: reservedValue }],
          '90-kubernetes-nodeport-reserved.conf',
        ),
      );
    }
    yield { span: entry.span, messageId: 'overlapsNodePorts', data, related, fixes };
  },
});
