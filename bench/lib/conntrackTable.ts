/**
 * A realistic 1,000,000-entry `conntrack -L` table (tcp in every state, DNS and VXLAN udp, icmp,
 * IPv6), deterministic (xorshift32 seed), for conntrack.bench.ts and speed.bench.ts.
 *
 * Generation keeps memory at about one copy of the text: 50,000 distinct realistic lines are built
 * (400 chunks of 125 lines) and the table is 8,000 chunk references picked pseudo-randomly.
 * `conntrackTable()` joins them as a balanced rope (one flat string once V8 flattens it);
 * `writeConntrackTable()` writes the chunks to a file without ever holding the whole text.
 */
import { closeSync, openSync, writeSync } from 'node:fs';

export const ENTRIES = 1_000_000;
const CHUNK_LINES = 125;
const POOL_CHUNKS = 400;

let seed = 0x2545f491;
function rnd(n: number): number {
  // xorshift32: deterministic, so every run parses the same text.
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return (seed >>> 0) % n;
}

const nodeIp = (): string => `192.168.${rnd(4)}.${10 + rnd(40)}`;
const podIp = (): string => `10.244.${rnd(64)}.${2 + rnd(250)}`;
const svcIp = (): string => `10.96.${rnd(32)}.${1 + rnd(254)}`;
const port = (): number => 32768 + rnd(28000);

function tcpLine(): string {
  const r = rnd(100);
  const src = podIp();
  const svc = svcIp();
  const pod = podIp();
  const sp = port();
  const dp = [80, 443, 8080, 6443, 5432, 9090][rnd(6)]!;
  const bp = [8080, 8443, 80, 6443, 5432, 9090][rnd(6)]!;
  if (r < 4) {
    return `tcp      6 ${rnd(120)} SYN_SENT src=${src} dst=${svc} sport=${sp} dport=${dp} [UNREPLIED] src=${pod} dst=${src} sport=${bp} dport=${sp} mark=0 use=1`;
  }
  const [state, timeout] =
    r < 60 ? ['ESTABLISHED', 86000 + rnd(400)] : r < 85 ? ['TIME_WAIT', rnd(120)] : r < 90 ? ['CLOSE_WAIT', rnd(3600)] : r < 94 ? ['FIN_WAIT', rnd(120)] : r < 97 ? ['SYN_RECV', rnd(60)] : ['LAST_ACK', rnd(30)];
  if (rnd(5) === 0) {
    // Host process -> ClusterIP: DNAT to a pod on another node and MASQUERADE to flannel.1.
    const host = nodeIp();
    return `tcp      6 ${timeout} ${state} src=${host} dst=${svc} sport=${sp} dport=${dp} src=${pod} dst=10.244.${rnd(64)}.0 sport=${bp} dport=${port()} [ASSURED] mark=0 use=1`;
  }
  return `tcp      6 ${timeout} ${state} src=${src} dst=${svc} sport=${sp} dport=${dp} src=${pod} dst=${src} sport=${bp} dport=${sp} [ASSURED] mark=0 use=1`;
}

function udpLine(): string {
  const src = podIp();
  const sp = port();
  if (rnd(3) > 0) {
    const dns = `10.244.${rnd(2)}.${2 + rnd(2)}`;
    if (rnd(10) === 0) return `udp      17 ${rnd(30)} src=${src} dst=10.96.0.10 sport=${sp} dport=53 [UNREPLIED] src=${dns} dst=${src} sport=53 dport=${sp} mark=0 use=1`;
    return `udp      17 ${rnd(120)} src=${src} dst=10.96.0.10 sport=${sp} dport=53 src=${dns} dst=${src} sport=53 dport=${sp} [ASSURED] mark=0 use=1`;
  }
  const peer = nodeIp();
  return `udp      17 ${rnd(180)} src=${nodeIp()} dst=${peer} sport=${port()} dport=8472 [UNREPLIED] src=${peer} dst=${nodeIp()} sport=8472 dport=${port()} mark=0 use=1`;
}

function icmpLine(): string {
  const a = podIp();
  const b = podIp();
  const id = rnd(65536);
  return `icmp     1 ${rnd(30)} src=${a} dst=${b} type=8 code=0 id=${id} src=${b} dst=${a} type=0 code=0 id=${id} mark=0 use=1`;
}

function tcp6Line(): string {
  const a = `fd00:10:244:${rnd(64).toString(16)}::${(2 + rnd(250)).toString(16)}`;
  const b = `fd00:10:96::${(1 + rnd(4000)).toString(16)}`;
  const sp = port();
  return `tcp      6 ${86000 + rnd(400)} ESTABLISHED src=${a} dst=${b} sport=${sp} dport=443 src=${b} dst=${a} sport=443 dport=${sp} [ASSURED] mark=0 use=1`;
}

function line(): string {
  const r = rnd(100);
  return r < 62 ? tcpLine() : r < 92 ? udpLine() : r < 97 ? icmpLine() : tcp6Line();
}

/** The chunks of a table of `entries` (a multiple of 125), in order (references into a pool of 400 distinct chunks). */
function chunks(entries = ENTRIES): string[] {
  seed = 0x2545f491;
  const pool: string[] = [];
  for (let c = 0; c < POOL_CHUNKS; c++) {
    const lines: string[] = [];
    for (let i = 0; i < CHUNK_LINES; i++) lines.push(line());
    pool.push(`${lines.join('\n')}\n`);
  }
  const parts: string[] = [];
  for (let i = 0; i < Math.ceil(entries / CHUNK_LINES); i++) parts.push(pool[rnd(POOL_CHUNKS)]!);
  return parts;
}

/** Writes the table (1,000,000 entries, or `entries`) to `file` chunk by chunk; returns its size in bytes. */
export function writeConntrackTable(file: string, entries = ENTRIES): number {
  const fd = openSync(file, 'w');
  let bytes = 0;
  try {
    for (const c of chunks(entries)) bytes += writeSync(fd, c);
  } finally {
    closeSync(fd);
  }
  return bytes;
}

/** The table as one string. */
export function conntrackTable(): string {
  let parts = chunks();
  // Balanced concatenation keeps the rope shallow.
  while (parts.length > 1) {
    const next: string[] = [];
    for (let i = 0; i < parts.length; i += 2) next.push(i + 1 < parts.length ? parts[i]! + parts[i + 1]! : parts[i]!);
    parts = next;
  }
  return parts[0]!;
}

