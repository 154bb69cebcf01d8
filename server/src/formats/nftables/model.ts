import type { ParseProblem } from '../../core/problem';
import type { Located, Span } from '../../core/span';

/**
 * One model for every way nft shows a ruleset: `nft list ruleset` / `nft list table …` (nested
 * blocks), `nft -a list ruleset` (the same with `# handle N`), the `nft -f` script form
 * (`add table/chain/rule/element …`, kube-proxy's own transactions) and `nft -j list ruleset`
 * (JSON). Rules and hovers read tables, chains, sets and rules and never care which form was
 * pasted; `variant` says which it was, for the few places that differ (handles, commands).
 */
export interface NftablesModel {
  readonly variant: 'list' | 'script' | 'json';
  readonly tables: readonly NftTable[];
  /** Script form: commands that change or remove things (`flush`, `delete`, `destroy`, `reset`, `list`, …). */
  readonly commands: readonly NftCommand[];
  /** `# Warning: table ip nat is managed by iptables-nft, do not touch!` lines (pasted stderr). */
  readonly iptablesNftWarnings: readonly NftIptablesWarning[];
  /** `nft -j`: the `metainfo` object (`version`, `json_schema_version`). */
  readonly metainfo?: { readonly version?: Located<string>; readonly span: Span };
  readonly problems: readonly ParseProblem[];
}

export const NFT_FAMILIES = ['ip', 'ip6', 'inet', 'arp', 'bridge', 'netdev'] as const;
export type NftFamily = (typeof NFT_FAMILIES)[number];

export interface NftIptablesWarning {
  readonly span: Span;
  readonly family: Located<string>;
  readonly table: Located<string>;
}

/** A name nft printed, with what it refers to resolved by the reader. */
export type Name = Located<string>;

export interface NftTable {
  readonly family: Located<NftFamily>;
  readonly name: Name;
  /** The whole table: block in list form, first declaring command in script form. */
  readonly span: Span;
  readonly handle?: Located<number>;
  readonly comment?: Located<string>;
  /** `flags dormant` etc. */
  readonly flags: readonly Located<string>[];
  readonly chains: readonly NftChain[];
  readonly sets: readonly NftSet[];
  readonly flowtables: readonly NftFlowtable[];
  readonly objects: readonly NftObject[];
}

/** `type nat hook prerouting priority dstnat; policy accept;` of a base chain. */
export interface NftBaseChain {
  readonly span: Span;
  /** `filter`, `nat`, `route`. */
  readonly type: Located<string>;
  /** `prerouting`, `input`, `forward`, `output`, `postrouting`, `ingress`, `egress`. */
  readonly hook: Located<string>;
  /** netdev / ingress: `device "eth0"`. */
  readonly device?: Located<string>;
  readonly priority: NftPriority;
  readonly policy?: Located<string>;
}

/**
 * A base-chain priority as written: a number (`-110`), a name (`dstnat`) or a name with an offset
 * (`dstnat - 10`, `filter + 10`). `value` is the number the kernel uses when the name is known for
 * the family and hook (names are hook- and family-dependent), else undefined.
 */
export interface NftPriority {
  readonly span: Span;
  readonly text: string;
  readonly symbol?: Located<string>;
  readonly offset: number;
  readonly value?: number;
}

export interface NftChain {
  readonly name: Name;
  /** `family name` of the table, the key for lookups across tables. */
  readonly table: string;
  /** The block (list form) or the `add chain` command (script form) that declares it. */
  readonly span: Span;
  readonly handle?: Located<number>;
  readonly base?: NftBaseChain;
  readonly comment?: Located<string>;
  readonly rules: readonly NftRule[];
  /** True when the chain is only known from rules or references (script form without `add chain`). */
  readonly implicit: boolean;
}

export interface NftRule {
  /** `family name` of the table and the chain name. */
  readonly table: string;
  readonly chain: string;
  /** The rule's own text (the statements, without `add rule ip t c` and without `# handle N`). */
  readonly span: Span;
  /** Script form: the whole `add rule …` / `insert rule …` command. */
  readonly command?: Span;
  /** (`| undefined`: the text parser's rules compute it on access, textModel.ts.) */
  readonly handle?: Located<number> | undefined;
  readonly statements: readonly NftStatement[];
  readonly comment?: Located<string>;
}

/** A word or string of the text as nft reads it: `value` unquoted, `span` the raw text. */
export type Token = Located<string>;

/** Expressions: what a match compares, what a map looks up, what a statement sets. */
export type NftExpr =
  /** `ip daddr`, `meta l4proto`, `ct state`, `th dport`, `fib saddr type`, `iifname`, `mark`. */
  | { readonly kind: 'selector'; readonly span: Span; readonly head: Token; readonly args: readonly Token[] }
  | { readonly kind: 'value'; readonly span: Span; readonly text: string }
  /** `@name`: a named set or map. */
  | { readonly kind: 'setRef'; readonly span: Span; readonly name: Name }
  /** `{ a, b }` / `{ 0 : goto x, 1 : goto y }`. */
  | { readonly kind: 'anonSet'; readonly span: Span; readonly elements: readonly NftElement[] }
  /** `a . b . c`. */
  | { readonly kind: 'concat'; readonly span: Span; readonly parts: readonly NftExpr[] }
  /** `meta mark & 0x4000`, `mark or 0x4000`, `tcp flags syn / syn,ack`. */
  | { readonly kind: 'binop'; readonly span: Span; readonly left: NftExpr; readonly op: Token; readonly right: NftExpr }
  /** `numgen random mod 2 [offset N]`. */
  | { readonly kind: 'numgen'; readonly span: Span; readonly mode: Token; readonly mod?: Located<number>; readonly offset?: Located<number> }
  /** `jhash ip saddr mod 4 seed 0xfeed offset 1`, `symhash mod 2`. */
  | {
      readonly kind: 'hash';
      readonly span: Span;
      readonly fn: Token;
      readonly input?: NftExpr;
      readonly mod?: Located<number>;
      readonly seed?: Token;
      readonly offset?: Located<number>;
    }
  /** `KEY map { … }` / `KEY map @name`. */
  | { readonly kind: 'map'; readonly span: Span; readonly key: NftExpr; readonly mapping: NftExpr }
  /** Anything this reader does not know (a newer nft's expression): kept, not an error. */
  | { readonly kind: 'opaque'; readonly span: Span; readonly tokens: readonly Token[] };

export type VerdictName = 'accept' | 'drop' | 'return' | 'continue' | 'jump' | 'goto' | 'queue';

export interface NftVerdict {
  readonly span: Span;
  readonly verdict: Located<VerdictName>;
  /** `jump X` / `goto X`: the chain. */
  readonly target?: Name;
}

export type NftStatement =
  /** `ip daddr 10.0.0.1`, `ct state new`, `ip saddr != 10.0.0.0/8`, `ip daddr @cluster-ips`. */
  | { readonly kind: 'match'; readonly span: Span; readonly left: NftExpr; readonly op?: Token; readonly right?: NftExpr }
  | ({ readonly kind: 'verdict' } & NftVerdict)
  /** `KEY vmap { … }` / `KEY vmap @name`. */
  | { readonly kind: 'vmap'; readonly span: Span; readonly key: NftExpr; readonly map: NftExpr }
  | {
      readonly kind: 'counter';
      readonly span: Span;
      readonly packets?: Located<number>;
      readonly bytes?: Located<number>;
      readonly name?: Name;
    }
  | { readonly kind: 'log'; readonly span: Span; readonly prefix?: Token; readonly level?: Token; readonly group?: Token; readonly options: readonly Token[] }
  | { readonly kind: 'limit'; readonly span: Span; readonly over: boolean; readonly rate?: Token; readonly burst?: Token; readonly options: readonly Token[] }
  | { readonly kind: 'quota'; readonly span: Span; readonly name?: Name; readonly options: readonly Token[] }
  /** `dnat ip to 10.0.0.1:80`, `snat to …`, `masquerade fully-random`, `redirect to :80`. */
  | {
      readonly kind: 'nat';
      readonly span: Span;
      readonly type: Located<'dnat' | 'snat' | 'masquerade' | 'redirect'>;
      readonly family?: Token;
      readonly to?: NftExpr;
      readonly flags: readonly Token[];
    }
  | { readonly kind: 'reject'; readonly span: Span; readonly with: readonly Token[] }
  /** `meta mark set meta mark | 0x4000`, `ct mark set …`, `ct helper set "x"`. */
  | { readonly kind: 'set'; readonly span: Span; readonly target: NftExpr; readonly value: NftExpr }
  /** `update @affinity-… { ip saddr }`, `add @set { … }`. */
  | { readonly kind: 'setUpdate'; readonly span: Span; readonly op: Token; readonly set: Name; readonly key?: NftExpr; readonly options: readonly Token[] }
  | { readonly kind: 'comment'; readonly span: Span; readonly text: Token }
  /** `notrack`, `flow add @ft`, `xt match "…"`, or a statement this reader does not know. */
  | { readonly kind: 'other'; readonly span: Span; readonly keyword: Token; readonly tokens: readonly Token[] };

/** A set or map element: `key [timeout T] [expires T] [comment "c"] [: value]`. */
export interface NftElement {
  readonly span: Span;
  readonly key: NftExpr;
  readonly value?: NftExpr;
  /** The verdict of a verdict-map element (`goto service-…`). */
  readonly verdict?: NftVerdict;
  readonly comment?: Token;
  readonly timeout?: Token;
  readonly expires?: Token;
}

export interface NftSet {
  readonly kind: 'set' | 'map';
  readonly name: Name;
  readonly table: string;
  readonly span: Span;
  readonly handle?: Located<number>;
  /** `type ipv4_addr . inet_proto . inet_service : verdict`: the key types, in order. */
  readonly keyType: readonly Token[];
  /** Maps: `verdict`, `mark`, `ipv4_addr`, … */
  readonly valueType?: Token;
  /** `typeof` instead of `type`. */
  readonly typeof: boolean;
  readonly flags: readonly Token[];
  readonly timeout?: Token;
  readonly size?: Located<number>;
  readonly comment?: Located<string>;
  /** Every element: `elements = { … }` in list form, every `add element` in script form. */
  readonly elements: readonly NftElement[];
  readonly implicit: boolean;
}

export interface NftFlowtable {
  readonly name: Name;
  readonly table: string;
  readonly span: Span;
  readonly handle?: Located<number>;
  readonly hook?: Token;
  readonly priority?: NftPriority;
  readonly devices: readonly Token[];
  readonly flags: readonly Token[];
}

/** Stateful objects: `counter`, `quota`, `limit`, `ct helper`, `ct timeout`, `ct expectation`, `secmark`, `synproxy`. */
export interface NftObject {
  readonly type: Located<string>;
  readonly name: Name;
  readonly table: string;
  readonly span: Span;
  readonly handle?: Located<number>;
  /** The body, one entry per line / `;`-separated property, as tokens. */
  readonly properties: readonly (readonly Token[])[];
  readonly comment?: Located<string>;
}

/** A script command that is not a definition: `flush ruleset`, `delete rule ip t c handle 5`, … */
export interface NftCommand {
  readonly span: Span;
  readonly verb: Token;
  /** `ruleset`, `table`, `chain`, `rule`, `set`, `map`, `element`, … */
  readonly object?: Token;
  readonly family?: Located<NftFamily>;
  readonly table?: Name;
  /** The chain, set, map, … the command names (third word). */
  readonly name?: Name;
  readonly handle?: Located<number>;
  readonly tokens: readonly Token[];
}
