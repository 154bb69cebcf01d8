import type { Range } from 'vscode-languageserver';
import type { ParsedDocument } from '../node/document';
import { parseRoute, type Route } from '../trace/environment';
import { CT_STATES, type CtState, type Origin } from '../trace/flow';
import { traceInputs } from '../trace/inputs';
import { parseIpv4 } from '../trace/ip';
import { parsePacket } from '../trace/packet';
import type { TracePath, TraceResult, TraceStep } from '../trace/result';
import { trace, type TraceRequest } from '../trace/trace';

/**
 * `kube-netlint/trace`: the CLI's `trace` for an editor. The packet is traced through the node of
 * the document `uri` (its folder, open documents winning over disk, as for diagnostics), and the
 * answer is the JSON contract of docs/trace.md with, on every step that points into a file, the
 * document's URI and the LSP range of the rule (converted here, at the edge, with its LineIndex).
 */
export const TRACE_REQUEST = 'kube-netlint/trace';

export interface TraceParams {
  /** A document of the node (its folder is the node). */
  readonly uri: string;
  /** `PROTO SRC[:SPORT] -> DST:DPORT`. */
  readonly packet: string;
  readonly from?: string | null;
  readonly in?: string | null;
  readonly out?: string | null;
  /** `0x4000` or a decimal number. */
  readonly mark?: string | null;
  /** `new`, `established`, `related`, `invalid` (any case). */
  readonly ctstate?: string | null;
  /** The node's own addresses. */
  readonly local?: readonly string[] | null;
  /** `CIDR=IFACE`. */
  readonly route?: readonly string[] | null;
}

export interface EditorTraceStep extends TraceStep {
  /** The document the step points into, or null (a decision no file shows). */
  readonly uri: string | null;
  readonly range: Range | null;
}

export interface EditorTracePath extends Omit<TracePath, 'steps'> {
  readonly steps: readonly EditorTraceStep[];
}

export interface EditorTraceResult extends Omit<TraceResult, 'paths'> {
  readonly paths: readonly EditorTracePath[];
}

export type TraceAnswer = { readonly result: EditorTraceResult } | { readonly error: string };

const IFACE = /^[\w.+@:-]{1,15}$/;
const ORIGINS: readonly Origin[] = ['pod', 'host', 'external'];

/** What the tracer needs, from the params, or the first value that is wrong (said as the CLI says it). */
export function traceRequestOf(p: TraceParams): { request: TraceRequest; local: number[]; routes: Route[] } | { error: string } {
  const packet = parsePacket(p.packet);
  if ('error' in packet) return { error: `packet: ${packet.error}` };
  const from = p.from ?? 'pod';
  if (!(ORIGINS as readonly string[]).includes(from)) return { error: `from must be pod, host or external, not '${from}'` };
  for (const [name, v] of [['in', p.in], ['out', p.out]] as const) {
    if (v !== undefined && v !== null && v !== '' && !IFACE.test(v)) return { error: `${name} expects an interface name, not '${v}'` };
  }
  const markText = p.mark ?? undefined;
  if (markText !== undefined && markText !== '' && (!/^(?:0x[0-9a-f]{1,8}|\d{1,10})$/i.test(markText) || Number(markText) > 0xffffffff)) {
    return { error: `mark expects a 32-bit number like 0x4000, not '${markText}'` };
  }
  const ct = p.ctstate ? p.ctstate.toUpperCase() : undefined;
  if (ct !== undefined && !(CT_STATES as readonly string[]).includes(ct)) return { error: `ctstate must be one of ${CT_STATES.map((s) => s.toLowerCase()).join(', ')}` };
  const local: number[] = [];
  for (const ip of (p.local ?? []).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean)) {
    const n = parseIpv4(ip);
    if (n === undefined) return { error: `local expects IPv4 addresses, not '${ip}'` };
    local.push(n);
  }
  const routes: Route[] = [];
  for (const r of p.route ?? []) {
    const route = parseRoute(r);
    if (!route) return { error: `route expects CIDR=IFACE (10.244.0.0/24=cni0), not '${r}'` };
    routes.push(route);
  }
  const request: TraceRequest = {
    packet: packet.packet,
    sportGiven: packet.sportGiven,
    from: from as Origin,
    ...(p.in ? { inIface: p.in } : {}),
    ...(p.out ? { outIface: p.out } : {}),
    ...(markText ? { mark: Number(markText) >>> 0 } : {}),
    ...(ct !== undefined ? { ctstate: ct as CtState } : {}),
  };
  return { request, local, routes };
}

/** Traces the packet through `documents` (one node) and adds each step's URI and range. */
export function answerTrace(p: TraceParams, documents: readonly ParsedDocument[] | undefined): TraceAnswer {
  if (!documents) return { error: `${p.uri} is not a dump kube-netlint reads (open a file of the node)` };
  const req = traceRequestOf(p);
  if ('error' in req) return req;
  const result = trace(req.request, traceInputs(documents, { local: req.local, routes: req.routes }));
  return { result: withLocations(result, documents) };
}

/** Steps carry `file` (the path as found) and a span; an editor needs the document's URI and an LSP range. */
export function withLocations(result: TraceResult, documents: readonly ParsedDocument[]): EditorTraceResult {
  const byPath = new Map(documents.map((d) => [d.path, d]));
  const step = (s: TraceStep): EditorTraceStep => {
    const doc = s.file === null ? undefined : byPath.get(s.file);
    if (!doc) return { ...s, uri: null, range: null };
    const span = s.span ?? (s.line !== null ? { start: doc.lines.lineStart(s.line - 1), end: doc.lines.lineStart(s.line - 1) } : undefined);
    return { ...s, uri: doc.uri, range: span ? doc.lines.range(span.start, span.end) : null };
  };
  return { ...result, paths: result.paths.map((path) => ({ ...path, steps: path.steps.map(step) })) };
}
