import { parseDocument, type ParsedDocument } from '../../server/src/node/document';
import type { IptRule } from '../../server/src/formats/iptables/model';
import { newFlow, type CtState, type Flow } from '../../server/src/trace/flow';
import { parsePacket } from '../../server/src/trace/packet';
import { traceInputs, type NodeOptions } from '../../server/src/trace/inputs';
import { trace, type TraceRequest } from '../../server/src/trace/trace';
import type { TraceResult } from '../../server/src/trace/result';

/** Parses one rule (`-A X ...` body) of the given table through the real iptables-save reader. */
export function rule(body: string, table = 'filter'): IptRule {
  const text = `*${table}\n:X - [0:0]\n:Y - [0:0]\n-A X ${body}\nCOMMIT\n`;
  const doc = parseDocument({ uri: 't', path: 'rules.txt', text, kind: 'iptables' }) as ParsedDocument<'iptables'>;
  const r = doc.model.tables[0]?.rules[0];
  if (!r) throw new Error(`no rule parsed from ${body}`);
  return r;
}

export function flow(packet: string, over: Partial<Flow> = {}, ctstate: CtState = 'NEW'): Flow {
  const p = parsePacket(packet);
  if ('error' in p) throw new Error(p.error);
  return Object.assign(newFlow(p.packet, 0, ctstate, 'cni0', 'eth0'), over);
}

export function doc(path: string, text: string): ParsedDocument {
  return parseDocument({ uri: path, path, text });
}

export interface TraceOptions extends NodeOptions, Partial<Omit<TraceRequest, 'packet' | 'sportGiven'>> {}

/** Traces a packet through the given files (name → text), like the CLI does for a node folder. */
export function traceFiles(files: Record<string, string>, packet: string, opts: TraceOptions = {}): TraceResult {
  const p = parsePacket(packet);
  if ('error' in p) throw new Error(p.error);
  const docs = Object.entries(files).map(([name, text]) => doc(name, text));
  const { local, routes, ...req } = opts;
  return trace({ packet: p.packet, sportGiven: p.sportGiven, from: 'pod', ...req }, traceInputs(docs, { ...(local ? { local } : {}), ...(routes ? { routes } : {}) }));
}

/** `line action` of each rule / policy step of a path, for compact expectations. */
export function ruleSteps(steps: TraceResult['paths'][number]['steps']): string[] {
  return steps.filter((s) => s.kind === 'rule' || s.kind === 'policy').map((s) => `${s.line} ${s.action}`);
}
