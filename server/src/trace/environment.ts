import type { ParsedDocument } from '../node/document';
import { effective, type SysctlEntry } from '../formats/sysctl';
import { inPrefix, LOOPBACK, parsePrefix, type Prefix } from './ip';
import type { TraceStep } from './result';

/**
 * What the node is known to have besides its rules, and where each fact came from: its own
 * addresses, its routes (the user's, or the cluster network from the flannel config), and the
 * sysctls that decide a packet's fate. Facts the dumps do not show are answered `undefined`; the
 * tracer then assumes, and says so.
 */

export interface Route {
  readonly prefix: Prefix;
  readonly iface: string;
}

export interface ClusterNetwork {
  readonly prefix: Prefix;
  /** flannel backend (`vxlan`, `host-gw`, ...), when the config says. */
  readonly backend: string | undefined;
  readonly file: string;
  readonly line: number;
}

export interface SysctlValue {
  readonly value: string;
  readonly number: number | undefined;
  readonly entry: SysctlEntry;
  readonly document: ParsedDocument<'sysctl'>;
}

export class NodeEnvironment {
  constructor(
    /** The node's own addresses as the user gave them (`--local`); empty = unknown. */
    private readonly local: readonly number[],
    /** Addresses known to be local from the dumps (IPVS virtual services sit on kube-ipvs0). */
    private readonly knownLocal: ReadonlySet<number>,
    private readonly routes: readonly Route[],
    private readonly sysctls: readonly ParsedDocument<'sysctl'>[],
    readonly cluster: ClusterNetwork | undefined,
  ) {}

  isLocal(addr: number): boolean | undefined {
    if (inPrefix(addr, LOOPBACK) || this.knownLocal.has(addr) || this.local.includes(addr)) return true;
    return this.local.length > 0 ? false : undefined;
  }

  /** The interface of the longest user route that covers `addr`. */
  userRoute(addr: number): string | undefined {
    let best: Route | undefined;
    for (const r of this.routes) if (inPrefix(addr, r.prefix) && (!best || r.prefix.bits > best.prefix.bits)) best = r;
    return best?.iface;
  }

  /** The value of a sysctl in the node's sysctl documents (the first document that sets it). */
  sysctl(key: string): SysctlValue | undefined {
    for (const d of this.sysctls) {
      const e = effective(d.model, key);
      if (e) return { value: e.value.value, number: e.number, entry: e, document: d };
    }
    return undefined;
  }

  /** A step pointing at the sysctl entry that decided something. */
  sysctlStep(v: SysctlValue, hook: string | null, action: string): TraceStep {
    return {
      kind: 'sysctl',
      file: v.document.path,
      line: v.entry.line + 1,
      span: { start: v.entry.span.start, end: v.entry.span.end },
      hook,
      table: null,
      chain: null,
      action,
      assumptions: [],
    };
  }
}

/** `10.244.0.0/24=cni0` (the CLI's `--route`). */
export function parseRoute(text: string): Route | undefined {
  const eq = text.indexOf('=');
  if (eq < 0) return undefined;
  const prefix = parsePrefix(text.slice(0, eq));
  const iface = text.slice(eq + 1);
  return prefix && /^[\w.+@:-]{1,15}$/.test(iface) ? { prefix, iface } : undefined;
}
