import type { ParseProblem } from '../../core/problem';
import type { Located, Span } from '../../core/span';
import type { Attr } from '../ip-link/words';

/** `ip route [show [table all]]`, `ip -6 route`, `ip route show table N`: one route per line. */
export interface IpRouteModel {
  readonly routes: readonly IpRoute[];
  readonly problems: readonly ParseProblem[];
}

export interface IpRoute {
  /** The route type when printed (`local`, `broadcast`, `unreachable`, `blackhole`, `prohibit`, `throw`, `multicast`, `anycast`); unicast is not printed. */
  readonly type?: Located<string>;
  /** `default`, `10.244.1.0/24`, `10.244.0.77` (a host route), `fe80::/64`. */
  readonly destination: Located<string>;
  readonly family: 4 | 6;
  /** `via`, `dev`, `proto`, `scope`, `src`, `metric`, `table`, `pref`, `mtu`, ... and keywords (`onlink`, `linkdown`). */
  readonly attrs: readonly Attr[];
  /** The table: `table N` when printed, else `main` (`ip route show table all` omits it for main). Numbers 253-255 are named. */
  readonly table: string;
  /** Multipath routes: one `nexthop via X dev Y weight W` line each. */
  readonly nexthops: readonly RouteNexthop[];
  readonly span: Span;
  readonly line: number;
}

export interface RouteNexthop {
  readonly attrs: readonly Attr[];
  readonly span: Span;
}
