import type { CodeLens } from 'vscode-languageserver';
import type { IptablesModel, IptChain, IptRule } from '../formats/iptables/model';
import { matchOption, targetName } from '../formats/iptables/query';
import { isKind, type ParsedDocument } from '../node/document';
import { clusterNetwork } from '../trace/inputs';
import { formatIpv4, parsePrefix, type Prefix } from '../trace/ip';
import { nftServiceTargets, type NftServiceTarget } from './codeLensNft';

/**
 * "Trace a packet to this Service" above kube-proxy's Service rules: in iptables-save, each
 * `KUBE-SERVICES` rule `-d IP/32 -p PROTO --dport N -j KUBE-SVC-…` (and the `:KUBE-SVC-…`
 * declaration of the chain it jumps to); in nftables, each element of the `service-ips` map.
 *
 * Lazy, so a 75,000-line dump stays fast: `textDocument/codeLens` only finds the rules from what
 * the model keeps for every rule (chain, destination, protocol, target); the port (read again
 * from the line) and the source (the node's pod network) are found in `codeLens/resolve`, which
 * the editor asks only for the lenses on screen.
 */
export const COMMAND_TRACE_SERVICE = 'kube-netlint.traceService';

/** Where a lens points, pinned to the text it was computed from. */
export interface ServiceLensData {
  readonly uri: string;
  readonly version: number;
  /** Offset of the Service rule (iptables) or map element (nftables). */
  readonly offset: number;
}

/** What the client command receives: a packet ready to trace, and what filling it assumed. */
export interface TraceServiceArgs {
  readonly uri: string;
  readonly packet: string;
  readonly from: 'pod';
  readonly service: string;
  readonly assumptions: readonly string[];
}

/** The unresolved lenses of a document (no command yet). */
export function serviceLenses(doc: ParsedDocument, version: number): CodeLens[] {
  const lenses: CodeLens[] = [];
  const add = (start: number, offset: number): void => {
    const pos = doc.lines.positionAt(start);
    const data: ServiceLensData = { uri: doc.uri, version, offset };
    lenses.push({ range: { start: pos, end: pos }, data });
  };
  if (isKind(doc, 'iptables')) {
    const rules = serviceIndex(doc.model).rules;
    const byChain = new Map<string, IptRule>();
    for (const r of rules) {
      add(r.span.start, r.span.start);
      const target = targetName(r);
      if (target && !byChain.has(target)) byChain.set(target, r);
    }
    for (const t of doc.model.tables) {
      if (t.name.value !== 'nat') continue;
      for (const c of t.chains) {
        const rule = byChain.get(c.name.value);
        if (rule) add(c.span.start, rule.span.start);
      }
    }
  } else if (isKind(doc, 'nftables')) {
    for (const t of nftServiceTargets(doc.model)) add(t.span.start, t.span.start);
  }
  return lenses.sort((a, b) => a.range.start.line - b.range.start.line);
}

const SERVICE_TARGET = /^KUBE-(?:SVC|SVL|EXT|FW)-/;
const PORTED = new Set(['tcp', 'udp', 'sctp']);

/** What lenses look up, built once per model: resolving the lenses on screen must not walk 75,000 rules each. */
interface ServiceIndex {
  readonly rules: readonly IptRule[];
  readonly byStart: ReadonlyMap<number, IptRule>;
  readonly natChains: ReadonlyMap<string, IptChain>;
}

const INDEX = new WeakMap<IptablesModel, ServiceIndex>();

/** `KUBE-SERVICES` rules to one address with a ported protocol, jumping to a Service chain. */
function serviceIndex(model: IptablesModel): ServiceIndex {
  const hit = INDEX.get(model);
  if (hit) return hit;
  const rules: IptRule[] = [];
  const natChains = new Map<string, IptChain>();
  for (const t of model.tables) {
    if (t.name.value !== 'nat') continue;
    for (const c of t.chains) {
      if (!natChains.has(c.name.value)) natChains.set(c.name.value, c);
      if (c.name.value !== 'KUBE-SERVICES') continue;
      for (const r of c.rules) if (isServiceRule(r)) rules.push(r);
    }
  }
  const index = { rules, byStart: new Map(rules.map((r) => [r.span.start, r])), natChains };
  INDEX.set(model, index);
  return index;
}

function isServiceRule(r: IptRule): boolean {
  const d = r.destination;
  const p = r.protocol;
  if (!d || d.negation || !p || p.negation || !PORTED.has(p.value.value.toLowerCase())) return false;
  if (!SERVICE_TARGET.test(targetName(r) ?? '')) return false;
  const prefix = parsePrefix(d.value.value);
  return prefix !== undefined && prefix.bits === 32;
}

/** Fills a lens's command from its rule; `node` gives the node's documents (for the pod network). */
export function resolveServiceLens(lens: CodeLens, doc: ParsedDocument | undefined, node: () => readonly ParsedDocument[]): CodeLens {
  const data = lens.data as ServiceLensData | undefined;
  const target = doc && data ? serviceAt(doc, data.offset) : undefined;
  if (!doc || !target) {
    // The text changed since the lens was computed: the next codeLens request will place it again.
    return { ...lens, command: { title: 'Trace a packet…', command: 'kube-netlint.trace', arguments: data ? [{ uri: data.uri }] : [] } };
  }
  const source = podSource(node(), target.clusterCidr);
  const args: TraceServiceArgs = {
    uri: doc.uri,
    packet: `${target.protocol} ${source.address} -> ${target.address}:${target.port}`,
    from: 'pod',
    service: target.service,
    assumptions: source.assumption ? [source.assumption] : [],
  };
  return { ...lens, command: { title: `Trace a packet to this Service (${target.protocol} ${target.address}:${target.port}, from a pod)`, command: COMMAND_TRACE_SERVICE, arguments: [args] } };
}

interface ServiceTarget {
  readonly protocol: string;
  readonly address: string;
  readonly port: number;
  /** The Service as kube-proxy names it in its comments (`ns/name:port`), or the chain. */
  readonly service: string;
  /** The pod network kube-proxy uses for its masquerade rule (`! -s CIDR -j KUBE-MARK-MASQ`), if seen. */
  readonly clusterCidr?: Prefix;
}

function serviceAt(doc: ParsedDocument, offset: number): ServiceTarget | undefined {
  if (isKind(doc, 'nftables')) {
    const t = nftServiceTargets(doc.model).find((x: NftServiceTarget) => x.span.start === offset);
    return t ? { protocol: t.protocol, address: t.address, port: t.port, service: t.service } : undefined;
  }
  if (!isKind(doc, 'iptables')) return undefined;
  const rule = serviceIndex(doc.model).byStart.get(offset);
  if (!rule) return undefined;
  const protocol = rule.protocol!.value.value.toLowerCase();
  const dport = matchOption(rule, protocol, '--dport') ?? matchOption(rule, protocol, '--destination-port');
  const port = Number(dport?.values[0]?.value);
  if (!dport || dport.negation || !Number.isInteger(port) || port < 1 || port > 65535) return undefined;
  const address = formatIpv4(parsePrefix(rule.destination!.value.value)!.network);
  const chain = targetName(rule)!;
  const comment = matchOption(rule, 'comment', '--comment')?.values[0]?.value;
  const clusterCidr = masqueradeSource(doc.model, chain);
  return { protocol, address, port, service: comment ?? chain, ...(clusterCidr ? { clusterCidr } : {}) };
}

/** kube-proxy's `-A KUBE-SVC-X ! -s CLUSTER_CIDR -d IP -j KUBE-MARK-MASQ`: the pod network it was given. */
function masqueradeSource(model: IptablesModel, chain: string): Prefix | undefined {
  for (const r of serviceIndex(model).natChains.get(chain)?.rules ?? []) {
    if (targetName(r) === 'KUBE-MARK-MASQ' && r.source?.negation) return parsePrefix(r.source.value.value);
  }
  return undefined;
}

/** The default pod the lens sends from when the node's pod network is unknown (said as an assumption). */
export const DEFAULT_POD_SOURCE = '10.244.0.2';

/** A pod address: the second host of the pod network (the first is the bridge's), from flannel or kube-proxy's rules. */
export function podSource(documents: readonly ParsedDocument[], clusterCidr: Prefix | undefined): { address: string; assumption?: string } {
  const flannel = clusterNetwork(documents);
  const prefix = flannel?.prefix ?? clusterCidr;
  if (prefix && prefix.bits <= 30) {
    const address = formatIpv4((prefix.network + 2) >>> 0);
    const where = flannel ? `the flannel network ${formatIpv4(prefix.network)}/${prefix.bits} (${flannel.file}:${flannel.line})` : `kube-proxy's cluster CIDR ${formatIpv4(prefix.network)}/${prefix.bits}`;
    return { address, assumption: `source ${address}: a pod address in ${where}; the node's own pod subnet is not in the dumps` };
  }
  return { address: DEFAULT_POD_SOURCE, assumption: `source ${DEFAULT_POD_SOURCE} assumed: the node's pod network is not in the dumps` };
}
