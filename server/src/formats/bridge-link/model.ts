import type { ParseProblem } from '../../core/problem';
import type { Located } from '../../core/span';
import type { IpLink } from '../ip-link';

/**
 * `bridge [-d] link [show]`: one entry per bridge port. The header has `ip link`'s shape
 * (`5: veth1a2b3c4d@eth0: <FLAGS> mtu 1450 master cni0 state forwarding priority 32 cost 2`, the
 * state being the port's STP state); with `-d` an indented line follows with the port's settings
 * (`hairpin on guard off ... learning on flood on ...`), kept as `slave` attributes.
 */
export interface BridgeLinkModel {
  readonly ports: readonly BridgePort[];
  readonly problems: readonly ParseProblem[];
}

export interface BridgePort extends IpLink {
  /** `hairpin on|off` from the `-d` details line; absent without `-d`. */
  readonly hairpin?: Located<'on' | 'off'>;
}
