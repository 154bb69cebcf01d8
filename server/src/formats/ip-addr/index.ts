import type { IpLinkModel } from '../ip-link';
import { parseLinkDump } from '../ip-link';

/**
 * `ip [-d] addr` output: the same blocks as `ip link`, with `inet`/`inet6` lines. One model and
 * one reader for both (formats/ip-link); a kind of its own so problems, settings and the editor
 * language name what the user captured.
 */
export type IpAddrModel = IpLinkModel;

export function parseIpAddr(text: string): IpAddrModel {
  return parseLinkDump(text, 'ip-addr');
}

export { ipLinkHover as ipAddrHover, ipLinkOutline as ipAddrOutline } from '../ip-link/hover';
