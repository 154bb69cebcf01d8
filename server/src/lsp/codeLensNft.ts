import type { Span } from '../core/span';
import type { NftablesModel, NftExpr } from '../formats/nftables/model';
import { parseKubeProxyName } from '../formats/nftables/kubeProxy';
import { formatIpv4, parseIpv4 } from '../trace/ip';

/**
 * The Services of an nftables kube-proxy ruleset a lens can trace to: each element of the
 * `service-ips` verdict map, `IP . PROTO . PORT : goto service-…` (ClusterIP, external IPs).
 * Only what the model already holds is read, so it is cheap on a large ruleset.
 */
export interface NftServiceTarget {
  readonly span: Span;
  readonly protocol: string;
  readonly address: string;
  readonly port: number;
  readonly service: string;
}

const PORTED = new Set(['tcp', 'udp', 'sctp']);

export function nftServiceTargets(model: NftablesModel): NftServiceTarget[] {
  const out: NftServiceTarget[] = [];
  for (const t of model.tables) {
    if (t.family.value !== 'ip' && t.family.value !== 'inet') continue;
    for (const s of t.sets) {
      if (s.kind !== 'map' || s.name.value !== 'service-ips') continue;
      for (const e of s.elements) {
        const parts = valueParts(e.key);
        if (!parts || parts.length !== 3) continue;
        const [ip, proto, portText] = parts as [string, string, string];
        const addr = parseIpv4(ip);
        const port = Number(portText);
        if (addr === undefined || !PORTED.has(proto) || !Number.isInteger(port) || port < 1 || port > 65535) continue;
        const target = e.verdict?.target?.value;
        const name = target ? parseKubeProxyName(target) : undefined;
        const service = name ? `${name.namespace}/${name.service}:${name.port}` : (target ?? `${ip}:${port}`);
        out.push({ span: e.span, protocol: proto, address: formatIpv4(addr), port, service });
      }
    }
  }
  return out;
}

/** `a . b . c` as its words, when every part is a plain value. */
function valueParts(e: NftExpr): string[] | undefined {
  if (e.kind === 'value') return [e.text];
  if (e.kind !== 'concat') return undefined;
  const out: string[] = [];
  for (const p of e.parts) {
    if (p.kind !== 'value') return undefined;
    out.push(p.text);
  }
  return out;
}
