import type { ParseProblem } from '../../core/problem';
import type { Located, Span } from '../../core/span';
import type { Attr } from './words';

/**
 * What `ip link` / `ip -d link` / `ip addr` / `ip -d addr` printed (one model for the four, and for
 * `ip -j [-d] link|addr` JSON and old `ifconfig` output read as far as they go). A plain,
 * serialisable object; lookups are free functions in query.ts.
 */
export interface IpLinkModel {
  /** `ip`: iproute2 text; `json`: `ip -j`; `ifconfig`: net-tools output (names, MTU, addresses only). */
  readonly variant: 'ip' | 'json' | 'ifconfig';
  readonly links: readonly IpLink[];
  readonly problems: readonly ParseProblem[];
}

/** Where an attribute was printed: the header line, the `link/...` line, the kind's details, the port (`*_slave`) details, or other detail lines. */
export type AttrSection = 'header' | 'link' | 'kind' | 'slave' | 'details';

export interface SectionAttr extends Attr {
  readonly section: AttrSection;
}

export interface IpLink {
  /** The interface index (`5:`); absent in ifconfig output. */
  readonly index?: Located<number>;
  readonly name: Located<string>;
  /** After `@`: the veth peer or lower device (`if2` when it lives in another namespace, else its name). */
  readonly peer?: Located<string>;
  /** `<BROADCAST,MULTICAST,UP,LOWER_UP>`, each flag with its span. */
  readonly flags: readonly Located<string>[];
  readonly mtu?: Located<number>;
  /** `master cni0`: the bridge (or bond, VRF) this interface is a port of. */
  readonly master?: Located<string>;
  /** Operational state (`state UP`). */
  readonly state?: Located<string>;
  /** `link/ether` → `ether`, `link/loopback`, `link/none` (wireguard, ipip), ... */
  readonly linkType?: Located<string>;
  /** The link-layer address after `link/TYPE`. */
  readonly address?: Located<string>;
  /** `ip -d`: the link kind printed on its own line (`vxlan`, `veth`, `bridge`, `wireguard`, `ipip`). */
  readonly kind?: Located<string>;
  /** `ip -d`: the port kind (`bridge_slave`, `bond_slave`) with the port's own settings. */
  readonly slaveKind?: Located<string>;
  /** Every `key value` and keyword, in order, with the line it was on. */
  readonly attrs: readonly SectionAttr[];
  /** `ip addr`: the addresses (inet, inet6) of this interface. */
  readonly addresses: readonly IpAddress[];
  /** From the header to the last line of the block. */
  readonly span: Span;
  /** Zero-based line of the header. */
  readonly line: number;
}

export interface IpAddress {
  readonly family: Located<'inet' | 'inet6'>;
  /** As printed: `10.244.0.1/24` (a prefix length is missing for `peer` addresses and ifconfig). */
  readonly cidr: Located<string>;
  /** `brd`, `scope`, `peer`, `metric` with values; `dynamic`, `noprefixroute`, `secondary`, a label, ... as keywords; `valid_lft`/`preferred_lft` from the next line. */
  readonly attrs: readonly Attr[];
  readonly span: Span;
  readonly line: number;
}
