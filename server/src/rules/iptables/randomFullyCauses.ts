import { compareVersions, type Version } from '../../core/version';
import type { Located } from '../../core/span';
import type { IptablesModel, IptRule } from '../../formats/iptables/model';
import { matchOption, table, targetName, targetOption, chainRules, clearsMark, isMarkedMasquerade } from '../../formats/iptables/query';
import type { Fact } from '../../node/facts';
import type { NodeSnapshot } from '../../node/snapshot';
import type { Related } from '../rule';
import { iptablesTooOldForRandomFully, masqueradeMark } from './support';
import { nodePath } from '../../node/nodePath';

/**
 * Who owns a SNAT rule, and so whether it is the SNAT source-port race the seed incidents describe.
 * Shared by iptables/masquerade-without-random-fully and iptables/too-old-for-random-fully so the two
 * say one thing per cause: the version skew is reported once (by too-old-for-random-fully) and the
 * same rule is not reported again as a plain "add --random-fully".
 */
export type SnatRole =
  /** Docker's `-s 172.17.0.0/16 ! -o docker0 -j MASQUERADE`: egress of containers on Docker's own bridge. */
  | 'docker-bridge'
  /** IPVS mode's `-m set --match-set KUBE-LOOP-BACK dst,dst,src -j MASQUERADE`: a pod reaching its own Service. */
  | 'ipvs-hairpin'
  | 'other';

/** docker0 and the bridges of Docker's user-defined networks (`br-` + the network id's first 12 hex digits). */
const DOCKER_BRIDGE = /^(?:docker0|docker_gwbridge|br-[0-9a-f]{12})$/;

export function snatRole(rule: IptRule): SnatRole {
  const set = matchOption(rule, 'set', '--match-set')?.values[0]?.value;
  if (set === 'KUBE-LOOP-BACK') return 'ipvs-hairpin';
  const out = rule.outInterface;
  if (rule.chain.value === 'POSTROUTING' && out?.negation && DOCKER_BRIDGE.test(out.value.value) && rule.source && !rule.source.negation) return 'docker-bridge';
  return 'other';
}

/** kube-proxy's service masquerade rules in KUBE-POSTROUTING: the old marked form, or the MASQUERADE after the mark is cleared. */
export function kubeProxyMasqueradeRules(model: IptablesModel, node: NodeSnapshot): IptRule[] {
  const mm = masqueradeMark(model, node);
  const out: IptRule[] = [];
  let cleared = false;
  for (const r of chainRules(table(model, 'nat'), 'KUBE-POSTROUTING')) {
    if (clearsMark(r, mm.mark)) cleared = true;
    else if (targetName(r) === 'MASQUERADE' && snatRole(r) !== 'ipvs-hairpin' && (cleared || isMarkedMasquerade(r, mm.mark))) out.push(r);
  }
  return out;
}

/** kube-proxy adds `--random-fully` from 1.16; official images carry an iptables new enough from 1.17 (k/k#82966). */
export const RANDOM_FULLY_KUBE_PROXY = [1, 16];
export const IMAGE_WITH_IPTABLES_18 = [1, 17];

export type TooOldCause =
  | { readonly kind: 'kube-proxy'; readonly kubeProxy: Fact<Version> }
  | { readonly kind: 'host-iptables'; readonly version: Located<string> };

export interface TooOld {
  readonly cause: TooOldCause;
  /** kube-proxy's masquerade rules without the flag: the rules this one cause explains. */
  readonly rules: readonly IptRule[];
}

/**
 * Why kube-proxy's masquerade rule lacks `--random-fully`, when a version explains it: kube-proxy
 * older than 1.17 (its image's iptables), else a dump written by an iptables older than 1.6.2.
 * Undefined when no kube-proxy masquerade rule lacks the flag, or no version explains it.
 */
export function tooOldForRandomFully(model: IptablesModel, node: NodeSnapshot): TooOld | undefined {
  const rules = kubeProxyMasqueradeRules(model, node);
  if (rules.length === 0 || rules.some((r) => targetOption(r, '--random-fully'))) return undefined;
  const kp = node.facts.kubeProxyVersion;
  if (kp && compareVersions(kp.value, IMAGE_WITH_IPTABLES_18) < 0) return { cause: { kind: 'kube-proxy', kubeProxy: kp }, rules };
  const hostOld = iptablesTooOldForRandomFully(model);
  if (hostOld) return { cause: { kind: 'host-iptables', version: hostOld }, rules };
  return undefined;
}

export interface InsertFailed {
  readonly total: number;
  readonly chainTooLong: number;
  readonly related: Related;
  readonly where: string;
}

/** The largest `insert_failed` total (summed over CPUs) in the node's `conntrack -S` captures. */
export function insertFailed(node: NodeSnapshot): InsertFailed | undefined {
  let best: InsertFailed | undefined;
  for (const doc of node.ofKind('conntrack')) {
    for (const t of doc.model.stats) {
      const total = t.totals.get('insert_failed') ?? 0;
      if (total <= 0 || (best && best.total >= total)) continue;
      const row = t.rows.find((r) => (r.counters.get('insert_failed')?.value.value ?? 0) > 0);
      const counter = row?.counters.get('insert_failed');
      if (!counter) continue;
      best = {
        total,
        chainTooLong: t.totals.get('chaintoolong') ?? 0,
        related: { document: doc, span: counter.value.span, message: `insert_failed = ${counter.value.value}${t.rows.length > 1 ? ` on this CPU, ${total} on all CPUs` : ''}` },
        where: nodePath(doc, node),
      };
    }
  }
  return best;
}

/** IPv4 `a.b.c.d/n` as [network, prefix], or undefined. */
function ipv4Cidr(text: string): [number, number] | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?:\/(\d{1,2}))?$/.exec(text);
  if (!m) return undefined;
  const octets = [m[1], m[2], m[3], m[4]].map(Number);
  const prefix = m[5] === undefined ? 32 : Number(m[5]);
  if (octets.some((o) => o > 255) || prefix > 32) return undefined;
  const ip = ((octets[0]! << 24) | (octets[1]! << 16) | (octets[2]! << 8) | octets[3]!) >>> 0;
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  return [(ip & mask) >>> 0, prefix];
}

/** True when IPv4 range `inner` lies inside `outer` (both `a.b.c.d/n`). */
export function cidrWithin(inner: string, outer: string): boolean {
  const a = ipv4Cidr(inner);
  const b = ipv4Cidr(outer);
  if (!a || !b || a[1] < b[1]) return false;
  const mask = b[1] === 0 ? 0 : (0xffffffff << (32 - b[1])) >>> 0;
  return ((a[0] & mask) >>> 0) === b[0];
}
