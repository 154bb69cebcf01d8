import type { ExtensionSpec, OptionSpec } from './types';
import { MATCH_PROTOCOL as MATCH_PROTOCOL_, VALUE_CHECKS, type Check } from './values';
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

const BY_NUMBER: Readonly<Record<string, string>> = { '6': 'tcp', '17': 'udp', '1': 'icmp', '58': 'icmp6', '132': 'sctp', '33': 'dccp', '136': 'udplite', '50': 'esp', '51': 'ah' };

/** What the rule reader needs per option, computed once. */
export interface OptionMeta {
  /** `--name`. */
  readonly label: string;
  /** Identity for "given twice" / exclusion checks: aliases (`--sport`, `--source-port`) share it. */
  readonly key: string;
  /** iptables refuses the option twice (old-style modules other than tcp/sctp/set do not check). */
  readonly once: boolean;
  /** One check per value word, if values.ts has specific ones. */
  readonly checks: readonly Check[] | undefined;
}
/** Old-style (parse()-based) modules: aliases that count as the same option. */
const ONCE_ALIASES: Readonly<Record<string, string>> = { 'source-port': 'sport', 'destination-port': 'dport', set: 'match-set' };
const META = new Map<OptionSpec, OptionMeta>();
for (const e of XTABLES_1_8_9) {
  for (const o of e.options) {
    const old = o.type === 'OLD';
    META.set(o, {
      label: `--${o.n}`,
      key: old ? (ONCE_ALIASES[o.n] ?? o.n) : String(o.id ?? o.n),
      once: !o.multi && (!old || e.name === 'tcp' || e.name === 'sctp' || e.name === 'set'),
      checks: VALUE_CHECKS[`${e.name}/${o.n}`],
    });
  }
}
const BY_LABEL = new Map<ExtensionSpec, Map<string, OptionSpec>>();
const MANDATORY = new Map<ExtensionSpec, readonly OptionSpec[]>();
for (const e of XTABLES_1_8_9) {
  BY_LABEL.set(e, new Map(e.options.map((o) => [`--${o.n}`, o])));
  MANDATORY.set(e, e.options.filter((o) => o.mand));
}
/** The option written exactly as `label` (`--dport`), if the extension has it. */
export function optionByLabel(spec: ExtensionSpec, label: string): OptionSpec | undefined {
  return BY_LABEL.get(spec)?.get(label);
}
/** Options the extension cannot do without (`--comment` for comment, `--to-destination` for DNAT). */
export function mandatoryOptions(spec: ExtensionSpec): readonly OptionSpec[] {
  return MANDATORY.get(spec) ?? [];
}

export function optionMeta(o: OptionSpec): OptionMeta {
  return META.get(o) ?? { label: `--${o.n}`, key: o.n, once: !o.multi, checks: undefined };
}

/** The match a protocol loads implicitly (`-p tcp --dport 80` loads `tcp`; `-p ipv6-icmp` loads `icmp6`). */
export function protocolMatch(protocol: string, family: 'ipv4' | 'ipv6' | undefined): ExtensionSpec | undefined {
  const p = protocol.toLowerCase();
  let name = BY_NUMBER[p] ?? p;
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
/** One option of an extension with what the rule reader needs about it, computed once. */
export interface ExtOption extends OptionMeta {
  readonly spec: OptionSpec;
}

/** An extension with its lookups resolved once (the rule reader's hot path uses these). */
export interface Extension {
  readonly spec: ExtensionSpec;
  /** Options by `--name`. */
  readonly byLabel: ReadonlyMap<string, ExtOption>;
  readonly options: readonly ExtOption[];
  /** Options the extension cannot do without. */
  readonly mandatory: readonly ExtOption[];
  /** The protocol number a protocol match (`tcp`, `udp`, `icmp`, ...) needs, else undefined. */
  readonly protocol: number | undefined;
}

/**
 * An option spec with every field present (undefined when absent), and an `ExtOption` of fixed
 * fields: the generated table's literals come in a dozen shapes, which made the rule reader's
 * loads of them (`arg`, `type`, `inv`, `excl`, `min`, ...) megamorphic on the parse's hot path.
 */
function uniformOption(o: OptionSpec): ExtOption {
  const spec = { n: o.n, arg: o.arg, type: o.type, inv: o.inv, mand: o.mand, multi: o.multi, min: o.min, max: o.max, id: o.id, excl: o.excl } as OptionSpec;
  const m = optionMeta(o);
  return { spec, label: m.label, key: m.key, once: m.once, checks: m.checks };
}

function extension(e: ExtensionSpec): Extension {
  const options = e.options.map(uniformOption);
  return {
    spec: e,
    byLabel: new Map(options.map((o) => [o.label, o])),
    options,
    mandatory: options.filter((o) => o.spec.mand),
    protocol: MATCH_PROTOCOL_[e.name],
  };
}
const MATCH_EXTENSIONS = new Map<string, Extension>();
const TARGET_EXTENSIONS = new Map<string, Extension>();
for (const e of XTABLES_1_8_9) (e.kind === 'match' ? MATCH_EXTENSIONS : TARGET_EXTENSIONS).set(e.name, extension(e));

/** `matchSpec` with its lookups resolved. */
export function matchExtension(name: string): Extension | undefined {
  return MATCH_EXTENSIONS.get(name);
}

/** `targetSpec` with its lookups resolved. */
export function targetExtension(name: string): Extension | undefined {
  return TARGET_EXTENSIONS.get(name);
}

/** `protocolMatch` with its lookups resolved. */
export function protocolExtension(protocol: string, family: 'ipv4' | 'ipv6' | undefined): Extension | undefined {
  const spec = protocolMatch(protocol, family);
  return spec && MATCH_EXTENSIONS.get(spec.name);
}

export const KNOWN_EXTENSIONS: readonly ExtensionSpec[] = XTABLES_1_8_9;
