export type { IpRoute, IpRouteModel, RouteNexthop } from './model';
export { parseIpRoute, ROUTE_TYPES } from './parse';
export { ipRouteHover, ipRouteOutline } from './hover';
