import type { Span } from '../../core/span';
import type { ParsedDocument } from '../../node/document';
import type { NodeSnapshot } from '../../node/snapshot';
import { realServerKey } from '../../formats/ipvsadm/query';
import { isPlaceholder } from '../../core/redaction';

/**
 * What the node's IPVS dumps say about each real server beyond its own row: entries in `-Lnc`
 * connection tables and the connection rate of `--rate` listings. Keyed by `realServerKey`, built
 * once per snapshot (linear in the dumps) and shared by every ipvsadm document of the node.
 * Blanked-out addresses (`10.244.x.x:6443`, core/redaction.ts) are no key: the entries of many real
 * servers read alike once anonymised, and would be joined to any one row that reads the same.
 */
export interface ConnectionEvidence {
  /** IPVS ESTABLISHED entries. */
  active: number;
  /** Other entries (TIME_WAIT, FIN_WAIT, CLOSE, UDP, ...); persistence templates (`NONE`) are not counted. */
  inactive: number;
  readonly document: ParsedDocument<'ipvsadm'>;
  readonly firstSeen: Span;
}

export interface RateEvidence {
  readonly cps: number;
  readonly raw: string;
  readonly document: ParsedDocument<'ipvsadm'>;
  readonly span: Span;
}

export interface NodeIpvsObservations {
  readonly connections: ReadonlyMap<string, ConnectionEvidence>;
  readonly rates: ReadonlyMap<string, RateEvidence>;
}

const CACHE = new WeakMap<NodeSnapshot, NodeIpvsObservations>();

export function ipvsObservations(node: NodeSnapshot): NodeIpvsObservations {
  const cached = CACHE.get(node);
  if (cached) return cached;
  const connections = new Map<string, ConnectionEvidence>();
  const rates = new Map<string, RateEvidence>();
  for (const document of node.ofKind('ipvsadm')) {
    const model = document.model;
    for (const table of model.connectionTables) {
      for (const d of table.byDestination) {
        let templates = 0;
        let active = 0;
        for (const [state, n] of d.byState) {
          const s = state.toUpperCase();
          if (s === 'NONE') templates += n;
          else if (s === 'ESTABLISHED') active += n;
        }
        const inactive = d.count - templates - active;
        if (active + inactive === 0 || isPlaceholder(d.virtual) || isPlaceholder(d.destination)) continue;
        const key = `${d.protocol.toUpperCase()} ${d.virtual} ${d.destination}`;
        const e = connections.get(key);
        if (e) {
          e.active += active;
          e.inactive += inactive;
        } else connections.set(key, { active, inactive, document, firstSeen: d.firstSeen });
      }
    }
    for (const svc of model.services) {
      if (svc.variant !== 'rate') continue;
      for (const rs of svc.realServers) {
        const cps = rs.rate?.connsPerSecond;
        if (!cps || svc.address?.redacted || rs.address.redacted) continue;
        const key = realServerKey(svc, rs);
        const prev = rates.get(key);
        // Several --rate samples of one real server: keep the latest (document order).
        if (!prev || prev.document !== document || prev.span.start < cps.span.start) rates.set(key, { cps: cps.value, raw: cps.raw, document, span: cps.span });
      }
    }
  }
  const result = { connections, rates };
  CACHE.set(node, result);
  return result;
}
