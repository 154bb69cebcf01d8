/**
 * The shape of one iptables extension (a `-m` match or a `-j` target) as the xtables library
 * describes it: which options it takes, how many command-line words each consumes, whether `!`
 * may precede it, and the value type iptables parses it with.
 */
export type OptionType =
  | 'NONE' | 'UINT8' | 'UINT16' | 'UINT32' | 'UINT64' | 'UINT8RC' | 'UINT16RC' | 'UINT32RC' | 'UINT64RC'
  | 'DOUBLE' | 'STRING' | 'TOSMASK' | 'MARKMASK32' | 'SYSLOGLEVEL' | 'HOST' | 'HOSTMASK' | 'PROTOCOL'
  | 'PORT' | 'PORTRC' | 'PLEN' | 'PLENMASK' | 'ETHERMAC'
  /** Parsed by the extension's own (pre-xtables-options) code; checked in values.ts. */
  | 'OLD';

export interface OptionSpec {
  /** Long option name without the leading `--`. */
  readonly n: string;
  /** Command-line words the option consumes: 0, 1, or 2 (`--tcp-flags MASK COMP`, `--match-set NAME FLAGS`). */
  readonly arg: 0 | 1 | 2;
  readonly type: OptionType;
  /** `!` may precede the option. */
  readonly inv?: true;
  /** The extension fails without it. */
  readonly mand?: true;
  /** May be given more than once. */
  readonly multi?: true;
  /** Numeric range (STRING: length range); 0 means the type's natural limit. */
  readonly min?: number;
  readonly max?: number;
  /** Option id; `excl` is a bit set of ids it cannot be combined with. */
  readonly id?: number;
  readonly excl?: number;
}

export interface ExtensionSpec {
  readonly kind: 'match' | 'target';
  readonly name: string;
  /** Address family the extension exists for (`ipv4`: iptables only, `ipv6`: ip6tables only). */
  readonly family: 'any' | 'ipv4' | 'ipv6';
  readonly options: readonly OptionSpec[];
}
