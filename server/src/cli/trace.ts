import { parseDocument } from '../node/document';
import { parseRoute, type Route } from '../trace/environment';
import { CT_STATES, type CtState, type Origin } from '../trace/flow';
import { traceInputs } from '../trace/inputs';
import { parseIpv4 } from '../trace/ip';
import { parsePacket } from '../trace/packet';
import type { TraceResult, TraceStep } from '../trace/result';
import { trace } from '../trace/trace';
import { collectNodes, ReadError } from './collect';

/**
 * `kube-netlint trace --packet "PROTO SRC[:SPORT] -> DST:DPORT" [options] PATH`: follows one packet
 * through the node in PATH (a node folder or a single dump) and prints every rule it touches,
 * its NAT and its fate; `--format json` prints the contract of docs/trace.md.
 */

export interface TraceArgs {
  readonly packet: string;
  readonly from: Origin;
  readonly inIface?: string;
  readonly outIface?: string;
  readonly mark?: number;
  readonly ctstate?: CtState;
  readonly local: readonly number[];
  readonly routes: readonly Route[];
  readonly format: 'text' | 'json';
  readonly path: string;
}

const VALUE = new Set(['--packet', '--from', '--in', '--out', '--mark', '--ctstate', '--local', '--route', '--format']);
const IFACE = /^[\w.+@:-]{1,15}$/;

export function parseTraceArgs(argv: readonly string[]): TraceArgs | { readonly error: string } {
  const values = new Map<string, string[]>();
  const paths: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      paths.push(...argv.slice(i + 1));
      break;
    }
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = eq < 0 ? a : a.slice(0, eq);
      if (!VALUE.has(name)) return { error: `unknown option '${name}'` };
      const v = eq < 0 ? argv[++i] : a.slice(eq + 1);
      if (v === undefined || v === '') return { error: `option '${name}' needs a value` };
      values.set(name, [...(values.get(name) ?? []), v]);
      continue;
    }
    paths.push(a);
  }
  const one = (n: string): string | undefined => values.get(n)?.at(-1);
  const packet = one('--packet');
  if (packet === undefined) return { error: 'trace needs --packet "PROTO SRC[:SPORT] -> DST:DPORT"' };
  if (paths.length !== 1) return { error: 'trace reads one PATH (a node folder or one dump)' };
  const from = one('--from') ?? 'pod';
  if (from !== 'pod' && from !== 'host' && from !== 'external') return { error: `--from must be pod, host or external, not '${from}'` };
  const format = one('--format') ?? 'text';
  if (format !== 'text' && format !== 'json') return { error: `--format must be text or json, not '${format}'` };
  for (const n of ['--in', '--out']) {
    const v = one(n);
    if (v !== undefined && !IFACE.test(v)) return { error: `${n} expects an interface name, not '${v}'` };
  }
  const markText = one('--mark');
  if (markText !== undefined && (!/^(?:0x[0-9a-f]{1,8}|\d{1,10})$/i.test(markText) || Number(markText) > 0xffffffff)) return { error: `--mark expects a 32-bit number like 0x4000, not '${markText}'` };
  const ct = one('--ctstate')?.toUpperCase();
  if (ct !== undefined && !(CT_STATES as readonly string[]).includes(ct)) return { error: `--ctstate must be one of ${CT_STATES.map((s) => s.toLowerCase()).join(', ')}` };
  const local: number[] = [];
  for (const ip of (values.get('--local') ?? []).flatMap((v) => v.split(','))) {
    const n = parseIpv4(ip);
    if (n === undefined) return { error: `--local expects IPv4 addresses, not '${ip}'` };
    local.push(n);
  }
  const routes: Route[] = [];
  for (const r of values.get('--route') ?? []) {
    const route = parseRoute(r);
    if (!route) return { error: `--route expects CIDR=IFACE (10.244.0.0/24=cni0), not '${r}'` };
    routes.push(route);
  }
  const inIface = one('--in');
  const outIface = one('--out');
  return {
    packet,
    from,
    ...(inIface !== undefined ? { inIface } : {}),
    ...(outIface !== undefined ? { outIface } : {}),
    ...(markText !== undefined ? { mark: Number(markText) >>> 0 } : {}),
    ...(ct !== undefined ? { ctstate: ct as CtState } : {}),
    local,
    routes,
    format,
    path: paths[0]!,
  };
}

export interface TraceOutput {
  readonly out: (s: string) => void;
  readonly err: (s: string) => void;
  /** Colour the text output (a TTY without NO_COLOR). */
  readonly colour: boolean;
}

/** Runs `trace`; 0 when the packet was traced (whatever its fate), 2 on a usage or read error. */
export function runTrace(argv: readonly string[], io: TraceOutput): number {
  const args = parseTraceArgs(argv);
  if ('error' in args) {
    io.err(`kube-netlint: ${args.error} (see kube-netlint --help)\n`);
    return 2;
  }
  const packet = parsePacket(args.packet);
  if ('error' in packet) {
    io.err(`kube-netlint: --packet: ${packet.error}\n`);
    return 2;
  }
  let nodes;
  try {
    nodes = collectNodes([args.path]);
  } catch (e) {
    if (e instanceof ReadError) {
      io.err(`kube-netlint: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
  if (nodes.length !== 1) {
    io.err(`kube-netlint: ${args.path} holds ${nodes.length} nodes (folders with files); trace one node folder or one dump\n`);
    return 2;
  }
  const documents = nodes[0]!.files.map((f) => parseDocument({ uri: f.path, path: f.path, text: f.text }));
  const result = trace(
    {
      packet: packet.packet,
      sportGiven: packet.sportGiven,
      from: args.from,
      ...(args.inIface !== undefined ? { inIface: args.inIface } : {}),
      ...(args.outIface !== undefined ? { outIface: args.outIface } : {}),
      ...(args.mark !== undefined ? { mark: args.mark } : {}),
      ...(args.ctstate !== undefined ? { ctstate: args.ctstate } : {}),
    },
    traceInputs(documents, { local: args.local, routes: args.routes }),
  );
  io.out(args.format === 'json' ? `${JSON.stringify(result, null, 2)}\n` : formatTrace(result, io.colour));
  return 0;
}

/** Whether the binary should colour: stdout is a terminal and NO_COLOR (no-color.org) is not set. */
export function wantsColour(): boolean {
  return process.stdout.isTTY === true && !process.env['NO_COLOR'];
}

type Paint = (code: string, s: string) => string;
const VERDICT_COLOUR: Readonly<Record<string, string>> = { ACCEPT: '32', DROP: '31', REJECT: '31' };

const pct = (p: number): string => `${(Math.round(p * 10000) / 100).toString()}%`;

/** The text form: per path, the hooks in order with each step (file:line), NAT, the verdict; then what was assumed. */
export function formatTrace(r: TraceResult, colour: boolean): string {
  const paint: Paint = colour ? (code, s) => `\u001b[${code}m${s}\u001b[0m` : (_c, s) => s;
  const lines: string[] = [];
  const pk = r.packet;
  lines.push(`${paint('1', 'trace')} ${pk.protocol} ${pk.src}${pk.sport !== null ? `:${pk.sport}` : ''} -> ${pk.dst}${pk.dport !== null ? `:${pk.dport}` : ''} (from ${pk.from}${pk.in ? `, in ${pk.in}` : ''}${pk.out ? `, out ${pk.out}` : ''}, mark ${pk.mark}, ${pk.ctstate})`);
  lines.push(`verdict: ${paint(VERDICT_COLOUR[r.verdict] ?? '0', r.verdict)}${r.paths.length > 1 ? ` (${r.paths.length} paths${r.pathsDiffer ? `; ${paint('33', 'paths differ')}: ${verdictShares(r)}` : ''})` : ''}`);
  r.paths.forEach((p, i) => {
    lines.push('');
    const nat = [p.dnat ? `DNAT ${p.dnat}` : '', p.snat ? `SNAT ${p.snat}` : ''].filter(Boolean).join(', ');
    lines.push(paint('1', `path ${i + 1} of ${r.paths.length}, ${pct(p.probability)}: ${p.verdict}${nat ? `, ${nat}` : ''}`));
    let hook: string | null | undefined;
    for (const s of p.steps) {
      if (s.hook !== hook && s.hook !== null) {
        hook = s.hook;
        lines.push(`  ${paint('36', s.hook)}`);
      }
      lines.push(`    ${stepLine(s, paint)}`);
      for (const a of s.assumptions) lines.push(`      ${paint('33', `assumed: ${a}`)}`);
    }
    for (const a of p.assumptions) lines.push(`  ${paint('33', `assumed on this path: ${a}`)}`);
    lines.push(`  => ${paint(VERDICT_COLOUR[p.verdict] ?? '0', p.verdict)}`);
  });
  if (r.assumptions.length > 0) {
    lines.push('', 'assumptions:');
    for (const a of r.assumptions) lines.push(`  - ${a}`);
  }
  lines.push('', `read: ${r.sources.length ? r.sources.join(', ') : '(no dump the trace reads)'}`);
  return `${lines.join('\n')}\n`;
}

function stepLine(s: TraceStep, paint: Paint): string {
  const where = s.file !== null && s.line !== null ? paint('2', `${s.file}:${s.line}`) : '';
  const chain = s.table !== null && s.chain !== null ? `${s.table} ${s.chain}: ` : '';
  return `${chain}${s.action}${where ? `  ${where}` : ''}`;
}

function verdictShares(r: TraceResult): string {
  const by = new Map<string, number>();
  for (const p of r.paths) by.set(p.verdict, (by.get(p.verdict) ?? 0) + p.probability);
  return [...by].map(([v, p]) => `${v} ${pct(p)}`).join(', ');
}
