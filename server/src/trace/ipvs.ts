import type { IpvsRealServer, IpvsService } from '../formats/ipvsadm';
import type { ParsedDocument } from '../node/document';
import type { Flow } from './flow';
import { parseIpv4 } from './ip';
import type { TraceStep } from './result';

/**
 * IPVS (kube-proxy's ipvs mode) from an `ipvsadm -Ln` / `-Sn` dump: a packet to a virtual
 * service is scheduled to one of its real servers. Which one depends on the scheduler's state
 * (round robin position, connection counts), which no dump shows, so every real server with a
 * weight above 0 is a branch with probability weight / total weight (the long-run share of rr,
 * wrr and the *lc schedulers on equal load); weight 0 (a server being drained) gets nothing.
 */

export interface IpvsChoice {
  readonly server: IpvsRealServer;
  readonly addr: number;
  readonly port: number | undefined;
  readonly p: number;
  /** Masq, Route, Tunnel, Local (save format without -m/-i: Route). */
  readonly method: string;
}

export interface IpvsMatch {
  readonly document: ParsedDocument<'ipvsadm'>;
  readonly service: IpvsService;
  readonly vaddr: number;
  readonly choices: readonly IpvsChoice[];
}

const TABLE_VARIANTS = new Set(['list', 'save', 'proc', 'stats', 'rate', 'persistent-conn', 'thresholds']);

function serviceHits(s: IpvsService, flow: Flow): boolean {
  if (!TABLE_VARIANTS.has(s.variant)) return false;
  if (s.protocol.value === 'FWM') return s.fwmark !== undefined && s.fwmark.value === flow.mark;
  if (s.protocol.value.toLowerCase() !== flow.protocol) return false;
  const ip = s.address?.ip === undefined ? undefined : parseIpv4(s.address.ip);
  return ip === flow.dst && s.address?.port?.value === flow.dport;
}

/** The virtual service the packet is addressed to, with its real servers as weighted choices. */
export function ipvsService(docs: readonly ParsedDocument<'ipvsadm'>[], flow: Flow): IpvsMatch | undefined {
  for (const document of docs) {
    for (const service of document.model.services) {
      if (!serviceHits(service, flow)) continue;
      const servers = service.realServers
        .map((server) => ({ server, addr: server.address.ip === undefined ? undefined : parseIpv4(server.address.ip), weight: server.weight?.value ?? 1 }))
        .filter((x): x is { server: IpvsRealServer; addr: number; weight: number } => x.addr !== undefined && x.weight > 0);
      const total = servers.reduce((a, x) => a + x.weight, 0);
      const choices = servers.map((x) => ({
        server: x.server,
        addr: x.addr,
        port: x.server.address.port?.value,
        p: x.weight / total,
        method: x.server.forward?.value ?? 'Route',
      }));
      return { document, service, vaddr: flow.dst, choices };
    }
  }
  return undefined;
}

/** Every virtual address of the node's IPVS tables: kube-proxy binds them to kube-ipvs0, so they are local. */
export function ipvsAddresses(docs: readonly ParsedDocument<'ipvsadm'>[]): Set<number> {
  const out = new Set<number>();
  for (const d of docs) {
    for (const s of d.model.services) {
      const ip = s.address?.ip === undefined ? undefined : parseIpv4(s.address.ip);
      if (ip !== undefined) out.add(ip);
    }
  }
  return out;
}

export function ipvsStep(document: ParsedDocument<'ipvsadm'>, at: { readonly span: { start: number; end: number }; readonly line: number }, action: string, assumptions: readonly string[] = []): TraceStep {
  return { kind: 'ipvs', file: document.path, line: at.line + 1, span: { start: at.span.start, end: at.span.end }, hook: 'INPUT', table: null, chain: null, action, assumptions };
}
