import type { Located } from '../../core/span';
import type { IpAddress, IpLink } from './model';

/**
 * net-tools `ifconfig`, both spellings, read as far as the model goes (name, flags, MTU,
 * addresses); counters and the rest are skipped. Old (before net-tools 2.10):
 *   eth0      Link encap:Ethernet  HWaddr 52:54:00:12:34:56
 *             inet addr:192.168.56.10  Bcast:192.168.56.255  Mask:255.255.255.0
 *             UP BROADCAST RUNNING MULTICAST  MTU:1500  Metric:1
 * New:
 *   eth0: flags=4163<UP,BROADCAST,RUNNING,MULTICAST>  mtu 1500
 *           inet 192.168.56.10  netmask 255.255.255.0  broadcast 192.168.56.255
 */
const OLD_HEADER = /^([^\s:]+(?::\d+)?)\s+Link encap:(\S+(?: Local Loopback)?)(?:\s+HWaddr\s+(\S+))?/;
const NEW_HEADER = /^([^\s:]+(?::\d+)?): flags=\d+<([^>]*)>\s+mtu\s+(\d+)/;
const OLD_MTU = /^(\s+)((?:[A-Z]+ )*?)\s*MTU:(\d+)/;
const INET = /^(\s+)(inet6?)\s+(?:addr:\s*)?(\S+)/;
const PREFIXLEN = /\bprefixlen\s+(\d+)/;

export interface IfconfigBlock {
  readonly name: Located<string>;
  flags: Located<string>[];
  mtu?: Located<number>;
  address?: Located<string>;
  readonly addresses: IpAddress[];
  readonly start: number;
  end: number;
  readonly line: number;
  link(): IpLink;
}

/** A header starts a block (returned); an indented line adds to `block` ('consumed'); anything else is undefined. */
export function readIfconfigLine(line: string, start: number, number: number, block: IfconfigBlock | undefined): IfconfigBlock | 'consumed' | undefined {
  if (!block) {
    const n = NEW_HEADER.exec(line);
    if (n) {
      const b = newBlock(n[1]!, start, number, line.length);
      const flagsAt = line.indexOf('<') + 1;
      let f0 = start + flagsAt;
      for (const f of n[2]!.split(',')) {
        if (f) b.flags.push({ value: f, span: { start: f0, end: f0 + f.length } });
        f0 += f.length + 1;
      }
      const mtuAt = start + n.index + n[0].length - n[3]!.length;
      b.mtu = { value: Number(n[3]), span: { start: mtuAt, end: mtuAt + n[3]!.length } };
      return b;
    }
    const o = OLD_HEADER.exec(line);
    if (o) {
      const b = newBlock(o[1]!, start, number, line.length);
      if (o[3]) {
        const at = start + o[0].length - o[3].length;
        b.address = { value: o[3], span: { start: at, end: at + o[3].length } };
      }
      return b;
    }
    return undefined;
  }
  block.end = start + line.length;
  const m = OLD_MTU.exec(line);
  if (m) {
    let f0 = start + m[1]!.length;
    for (const f of m[2]!.trim().split(' ')) {
      if (f) block.flags.push({ value: f, span: { start: f0, end: f0 + f.length } });
      f0 += f.length + 1;
    }
    const at = start + m[0].length - m[3]!.length;
    block.mtu = { value: Number(m[3]), span: { start: at, end: at + m[3]!.length } };
    return 'consumed';
  }
  const i = INET.exec(line);
  if (i) {
    const famAt = start + i[1]!.length;
    const addrAt = start + i[0].length - i[3]!.length;
    const plen = PREFIXLEN.exec(line)?.[1];
    const cidr = i[3]!;
    block.addresses.push({
      family: { value: i[2] as 'inet' | 'inet6', span: { start: famAt, end: famAt + i[2]!.length } },
      cidr: { value: plen && !cidr.includes('/') ? `${cidr}/${plen}` : cidr, span: { start: addrAt, end: addrAt + cidr.length } },
      attrs: [],
      span: { start: famAt, end: start + line.trimEnd().length },
      line: number,
    });
  }
  return 'consumed';
}

function newBlock(name: string, start: number, number: number, length: number): IfconfigBlock {
  const b: IfconfigBlock = {
    name: { value: name, span: { start, end: start + name.length } },
    flags: [],
    addresses: [],
    start,
    end: start + length,
    line: number,
    link(): IpLink {
      return {
        name: b.name,
        flags: b.flags,
        ...(b.mtu ? { mtu: b.mtu } : {}),
        ...(b.address ? { address: b.address } : {}),
        attrs: [],
        addresses: b.addresses,
        span: { start: b.start, end: b.end },
        line: b.line,
      };
    },
  };
  return b;
}
