import type { ExtensionSpec, OptionSpec } from './types';
import { XTABLES_1_8_9 } from './xtables-1.8.9';

export type { ExtensionSpec, OptionSpec, OptionType } from './types';
export { VALUE_CHECKS, MATCH_PROTOCOL, typeCheck, addressList, protocolNumber, natRange, parseUint, type Family, type Check } from './values';

const MATCHES = new Map<string, ExtensionSpec>();
const TARGETS = new Map<string, ExtensionSpec>();
for (const e of XTABLES_1_8_9) (e.kind === 'match' ? MATCHES : TARGETS).set(e.name, e);

/** The `-m NAME` extension as iptables 1.8.9 ships it, if known. */
export function matchSpec(name: string): ExtensionSpec | undefined {
  return MATCHES.get(name);
}

/** The `-j NAME` target extension, if known (chains and ACCEPT/DROP/RETURN/QUEUE are not extensions). */
export function targetSpec(name: string): ExtensionSpec | undefined {
  return TARGETS.get(name);
}

/** The match a protocol loads implicitly (`-p tcp --dport 80` loads `tcp`; `-p ipv6-icmp` loads `icmp6`). */
export function protocolMatch(protocol: string, family: 'ipv4' | 'ipv6' | undefined): ExtensionSpec | undefined {
  const p = protocol.toLowerCase();
  const byNumber: Record<string, string> = { '6': 'tcp', '17': 'udp', '1': 'icmp', '58': 'icmp6', '132': 'sctp', '33': 'dccp', '136': 'udplite', '50': 'esp', '51': 'ah' };
  let name = byNumber[p] ?? p;
  if ((name === 'icmpv6' || name === 'ipv6-icmp') && family !== 'ipv4') name = 'icmp6';
  const spec = MATCHES.get(name);
  return spec && familyAllows(spec, family) ? spec : undefined;
}

export function familyAllows(spec: ExtensionSpec, family: 'ipv4' | 'ipv6' | undefined): boolean {
  return spec.family === 'any' || family === undefined || spec.family === family;
}

export function optionSpec(spec: ExtensionSpec, name: string): OptionSpec | undefined {
  return spec.options.find((o) => o.n === name);
}

/** Every extension known, for documentation and tests. */
export const KNOWN_EXTENSIONS: readonly ExtensionSpec[] = XTABLES_1_8_9;
