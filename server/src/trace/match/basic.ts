import type { IptBasicMatch, IptRule } from '../../formats/iptables/model';
import type { Flow } from '../flow';
import { inPrefix, parsePrefix } from '../ip';
import { PROTOCOL_NUMBER } from '../packet';
import { bool, negate, NO, YES, type MatchResult } from './types';

/**
 * The matches every rule may have without a module: `-s`, `-d`, `-p`, `-i`, `-o`, `-f`. They are
 * kept by the parser without reading the rule's details, so the walker checks them first and
 * reads a rule's modules only when these hold (most rules of a big KUBE-SERVICES chain fail `-d`).
 */

/** `-i eth+` matches every name starting with `eth`; an absent interface compares as empty. */
export function interfaceMatches(pattern: string, iface: string): boolean {
  return pattern.endsWith('+') ? iface.startsWith(pattern.slice(0, -1)) : iface === pattern;
}

function address(m: IptBasicMatch, a: number, flag: string): MatchResult {
  // iptables-save prints comma lists as separate rules; a list here comes from a hand-written file.
  const parts = m.value.value.split(',');
  let hit = false;
  for (const part of parts) {
    const p = parsePrefix(part);
    if (!p) return { kind: 'assumed', value: true, note: `${flag} ${m.value.value} is not an IPv4 address or prefix: assumed to match` };
    if (inPrefix(a, p)) hit = true;
  }
  return negate(bool(hit), m.negation !== undefined);
}

function protocol(m: IptBasicMatch, flow: Flow): MatchResult {
  const v = m.value.value.toLowerCase();
  const hit = v === 'all' || v === '0' || v === flow.protocol || Number(v) === PROTOCOL_NUMBER[flow.protocol];
  return negate(bool(hit), m.negation !== undefined);
}

/** The basic matches of a rule, in the order the kernel's `ip_packet_match` checks them. */
export function basicMatch(rule: IptRule, flow: Flow): MatchResult {
  const results: MatchResult[] = [];
  if (rule.source) results.push(address(rule.source, flow.src, '-s'));
  if (rule.destination) results.push(address(rule.destination, flow.dst, '-d'));
  if (rule.inInterface) results.push(negate(bool(interfaceMatches(rule.inInterface.value.value, flow.inIface)), rule.inInterface.negation !== undefined));
  if (rule.outInterface) results.push(negate(bool(interfaceMatches(rule.outInterface.value.value, flow.outIface)), rule.outInterface.negation !== undefined));
  if (rule.protocol) results.push(protocol(rule.protocol, flow));
  // The traced packet is never a fragment: `-f` fails, `! -f` holds.
  if (rule.fragment) results.push(rule.fragment.negation ? YES : NO);
  for (const r of results) if (r.kind === 'no') return NO;
  return results.find((r) => r.kind === 'assumed') ?? YES;
}
