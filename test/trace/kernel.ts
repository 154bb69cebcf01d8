import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Throwaway network namespaces that copy a kube-proxy node, for kernel.test.ts:
 *
 *   ext  (E) eth0 172.18.0.1/24  <-veth->  eth0 172.18.0.2/24  node (N)  cni0 10.244.0.1/24  <-veth->  eth0 10.244.0.5/32  pod (P)
 *                                          flannel.1 (vxlan, no peers: packets end there): 10.244.0.0/16, other nodes' pods
 *
 * Only these namespaces carry traffic; nothing is created in the host namespace (links are made
 * inside N). Service endpoints (10.244.0.20-30) have permanent neighbour entries pointing at the
 * pod's MAC, so packets to them leave N at once (no ARP failure, no ICMP error coming back
 * seconds later) and P, which does not forward, drops them silently. Names carry a unique prefix
 * and the pid; `cleanupLeftovers` removes those of dead processes, `destroy` removes ours.
 */

export const PREFIX = 'kntr';

export interface Namespaces {
  readonly node: string;
  readonly pod: string;
  readonly ext: string;
}

export function sh(args: readonly string[], input?: string): { status: number; stdout: string; stderr: string } {
  const r = spawnSync(args[0]!, args.slice(1), { encoding: 'utf8', input, timeout: 20_000 });
  return { status: r.status ?? -1, stdout: r.stdout ?? '', stderr: r.stderr ?? String(r.error ?? '') };
}

function must(args: readonly string[], input?: string): string {
  const r = sh(args, input);
  if (r.status !== 0) throw new Error(`${args.join(' ')} failed (${r.status}): ${r.stderr.trim()}`);
  return r.stdout;
}

export const inNs = (ns: string, ...args: string[]): string[] => ['ip', 'netns', 'exec', ns, ...args];

/** Deletes namespaces of this test left by processes that no longer run (a killed run). */
export function cleanupLeftovers(): void {
  for (const line of sh(['ip', 'netns', 'list']).stdout.split('\n')) {
    const m = new RegExp(`^(${PREFIX}(\\d+)[a-z]+)\\b`).exec(line);
    if (!m) continue;
    const pid = Number(m[2]);
    let alive = true;
    try {
      process.kill(pid, 0);
    } catch {
      alive = false;
    }
    if (!alive || pid === process.pid) sh(['ip', 'netns', 'del', m[1]!]);
  }
}

export function destroy(ns: Namespaces): void {
  for (const n of [ns.pod, ns.ext, ns.node]) sh(['ip', 'netns', 'del', n]);
}

export const ENDPOINTS = ['10.244.0.20', '10.244.0.21', '10.244.0.22', '10.244.0.30'];

export function create(): Namespaces {
  const ns: Namespaces = { node: `${PREFIX}${process.pid}n`, pod: `${PREFIX}${process.pid}p`, ext: `${PREFIX}${process.pid}e` };
  try {
    for (const n of [ns.node, ns.pod, ns.ext]) must(['ip', 'netns', 'add', n]);
    const N = (...a: string[]): string => must(inNs(ns.node, ...a));
    const P = (...a: string[]): string => must(inNs(ns.pod, ...a));
    const E = (...a: string[]): string => must(inNs(ns.ext, ...a));
    N('ip', 'link', 'add', 'cni0', 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns.pod);
    N('ip', 'link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns.ext);
    N('ip', 'link', 'add', 'flannel.1', 'type', 'vxlan', 'id', '1', 'dstport', '8472', 'local', '127.0.0.1', 'nolearning');
    for (const [run, links] of [[N, ['lo', 'cni0', 'eth0', 'flannel.1']], [P, ['lo', 'eth0']], [E, ['lo', 'eth0']]] as const) for (const l of links) run('ip', 'link', 'set', l, 'up');
    N('ip', 'addr', 'add', '10.244.0.1/24', 'dev', 'cni0');
    N('ip', 'addr', 'add', '172.18.0.2/24', 'dev', 'eth0');
    N('ip', 'route', 'add', '10.244.0.0/16', 'dev', 'flannel.1');
    N('ip', 'route', 'add', 'default', 'via', '172.18.0.1', 'dev', 'eth0');
    N('sysctl', '-qw', 'net.ipv4.ip_forward=1');
    P('ip', 'addr', 'add', '10.244.0.5/32', 'dev', 'eth0');
    P('ip', 'route', 'add', '10.244.0.1', 'dev', 'eth0');
    P('ip', 'route', 'add', 'default', 'via', '10.244.0.1', 'dev', 'eth0');
    E('ip', 'addr', 'add', '172.18.0.1/24', 'dev', 'eth0');
    const podMac = /link\/ether (\S+)/.exec(P('ip', 'link', 'show', 'eth0'))?.[1];
    if (!podMac) throw new Error('no MAC on the pod interface');
    for (const ip of ENDPOINTS) N('ip', 'neigh', 'replace', ip, 'lladdr', podMac, 'dev', 'cni0', 'nud', 'permanent');
    return ns;
  } catch (e) {
    destroy(ns);
    throw e;
  }
}

/** Loads a dump into the node namespace (replacing every table: counters start at zero) and forgets all connections. */
export function load(ns: Namespaces, dump: string): void {
  must(inNs(ns.node, 'iptables-restore'), dump);
  sh(inNs(ns.node, 'conntrack', '-F'));
}

export function countersDump(ns: Namespaces): string {
  return must(inNs(ns.node, 'iptables-save', '-c'));
}

export function conntrackDump(ns: Namespaces): string {
  const r = sh(inNs(ns.node, 'conntrack', '-L'));
  return r.stdout;
}

const SEND_UDP = `
const dgram = require('node:dgram');
const [src, sport, dst, dport, count] = process.argv.slice(1);
let left = Number(count);
for (let i = 0; i < Number(count); i++) {
  const s = dgram.createSocket('udp4');
  s.bind({ address: src, port: Number(sport) + i }, () => s.send(Buffer.from('kube-netlint trace test'), Number(dport), dst, () => { s.close(); if (--left === 0) process.exit(0); }));
}
setTimeout(() => process.exit(3), 10000);
`;

/** `count` UDP datagrams from src (ports sport, sport+1, ...: a new connection each) to dst:dport, sent inside `netns`. */
export function sendUdp(netns: string, src: string, sport: number, dst: string, dport: number, count: number): void {
  must(inNs(netns, process.execPath, '-e', SEND_UDP, src, String(sport), dst, String(dport), String(count)));
}

const SEND_SYN_FIN = `
import socket, struct, sys
src, sport, dst, dport = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
def csum(b):
    if len(b) % 2: b += b'\\0'
    s = sum(struct.unpack('!%dH' % (len(b) // 2), b))
    s = (s >> 16) + (s & 0xffff); s += s >> 16
    return ~s & 0xffff
hdr = struct.pack('!HHIIBBHHH', sport, dport, 1, 0, 5 << 4, 0x03, 65535, 0, 0)
pseudo = socket.inet_aton(src) + socket.inet_aton(dst) + struct.pack('!BBH', 0, 6, len(hdr))
c = csum(pseudo + hdr)
hdr = hdr[:16] + struct.pack('!H', c) + hdr[18:]
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_TCP)
s.sendto(hdr, (dst, 0))
`;

/** One TCP segment with SYN and FIN set (a combination conntrack calls INVALID), sent inside `netns`. */
export function sendSynFin(netns: string, src: string, sport: number, dst: string, dport: number): void {
  const dir = mkdtempSync(join(tmpdir(), 'kntr-'));
  try {
    const file = join(dir, 'synfin.py');
    writeFileSync(file, SEND_SYN_FIN);
    must(inNs(netns, 'python3', file, src, String(sport), dst, String(dport)));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
