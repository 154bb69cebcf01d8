import type { EditorTracePath, EditorTraceResult, EditorTraceStep } from '../../../server/src/lsp/traceRequest';

/**
 * What the editor shows of a trace, as plain data (no `vscode` here, so it is unit-tested): the
 * tree (paths → hooks → chains → steps, with probabilities, NAT, verdict and assumptions), the
 * step marks the editor draws on matched rules, and the text of a path's summary.
 */

export type { EditorTracePath, EditorTraceResult, EditorTraceStep };

export interface Location {
  readonly uri: string;
  readonly range: { readonly start: { line: number; character: number }; readonly end: { line: number; character: number } };
}

export type TraceNodeKind = 'path' | 'hook' | 'chain' | 'step' | 'verdict' | 'assumptions' | 'assumption' | 'info';

export interface TraceNode {
  /** Stable within one result (tree item ids). */
  readonly id: string;
  readonly kind: TraceNodeKind;
  readonly label: string;
  readonly description?: string;
  readonly tooltip?: string;
  /** Something here was assumed, not read from the dumps. */
  readonly assumed: boolean;
  readonly verdict?: 'ACCEPT' | 'DROP' | 'REJECT';
  /** The path this node belongs to (selecting it shows that path's marks in the editor). */
  readonly path: number;
  /** One-based step number on its path (steps only). */
  readonly step?: number;
  readonly location?: Location;
  readonly children: readonly TraceNode[];
}

export const percent = (p: number): string => `${Math.round(p * 1000) / 10}%`;

export function packetLine(r: EditorTraceResult): string {
  const pk = r.packet;
  const port = (n: number | null): string => (n === null ? '' : `:${n}`);
  return `${pk.protocol} ${pk.src}${port(pk.sport)} -> ${pk.dst}${port(pk.dport)} from ${pk.from}`;
}

export function natText(p: EditorTracePath): string {
  return [p.dnat ? `DNAT ${p.dnat}` : '', p.snat ? `SNAT ${p.snat}` : ''].filter(Boolean).join(', ');
}

export function pathSummary(p: EditorTracePath, i: number, total: number): string {
  const nat = natText(p);
  return `path ${i + 1} of ${total}, ${percent(p.probability)}: ${p.verdict}${nat ? `, ${nat}` : ''}`;
}

function location(s: EditorTraceStep): Location | undefined {
  return s.uri !== null && s.range !== null ? { uri: s.uri, range: s.range } : undefined;
}

/** A step as one line: `jump KUBE-SVC-X` (the chain is its parent in the tree). */
function stepNode(s: EditorTraceStep, path: number, n: number): TraceNode {
  const loc = location(s);
  const where = s.file !== null && s.line !== null ? `${baseName(s.file)}:${s.line}` : undefined;
  const notes = s.assumptions.map((a, k) => ({ id: `p${path}s${n}a${k}`, kind: 'assumption' as const, label: a, assumed: true, path, children: [] }));
  return {
    id: `p${path}s${n}`,
    kind: 'step',
    label: `#${n} ${s.action}`,
    ...(where ? { description: where } : {}),
    tooltip: [s.action, where, ...s.assumptions.map((a) => `assumed: ${a}`)].filter(Boolean).join('\n'),
    assumed: s.assumptions.length > 0,
    path,
    step: n,
    ...(loc ? { location: loc } : {}),
    children: notes,
  };
}

export function baseName(file: string): string {
  const i = Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\'));
  return i < 0 ? file : file.slice(i + 1);
}

/** One path's steps grouped: a new hook group each time the hook changes, chains within it. */
function hookGroups(p: EditorTracePath, path: number): TraceNode[] {
  const hooks: { hook: string; children: TraceNode[]; chain: { key: string; children: TraceNode[]; node: TraceNode } | undefined }[] = [];
  p.steps.forEach((s, k) => {
    const n = k + 1;
    const hook = s.hook ?? 'before the hooks';
    let group = hooks[hooks.length - 1];
    if (!group || group.hook !== hook) {
      group = { hook, children: [], chain: undefined };
      hooks.push(group);
    }
    const node = stepNode(s, path, n);
    if (s.table === null || s.chain === null) {
      group.chain = undefined;
      group.children.push(node);
      return;
    }
    const key = `${s.table} ${s.chain}`;
    if (!group.chain || group.chain.key !== key) {
      const children: TraceNode[] = [];
      const chainNode: TraceNode = { id: `p${path}c${n}`, kind: 'chain', label: key, assumed: false, path, children };
      group.chain = { key, children, node: chainNode };
      group.children.push(chainNode);
    }
    group.chain.children.push(node);
  });
  return hooks.map((h, i) => ({
    id: `p${path}h${i}`,
    kind: 'hook',
    label: h.hook,
    assumed: false,
    path,
    children: h.children.map((c) => (c.kind === 'chain' ? { ...c, assumed: c.children.some((x) => x.assumed) } : c)),
  }));
}

function pathChildren(p: EditorTracePath, path: number): TraceNode[] {
  const out = hookGroups(p, path);
  const nat = natText(p);
  out.push({ id: `p${path}v`, kind: 'verdict', label: p.verdict, ...(nat ? { description: nat } : {}), verdict: p.verdict, assumed: false, path, children: [] });
  if (p.assumptions.length > 0) out.push(assumptionGroup(`p${path}as`, 'assumed on this path', p.assumptions, path));
  return out;
}

function assumptionGroup(id: string, label: string, list: readonly string[], path: number): TraceNode {
  return {
    id,
    kind: 'assumptions',
    label,
    description: String(list.length),
    assumed: true,
    path,
    children: list.map((a, k) => ({ id: `${id}${k}`, kind: 'assumption', label: a, tooltip: a, assumed: true, path, children: [] })),
  };
}

/** The tree: with one path its hooks at the top; with several, one node per path (most likely first). */
export function traceTree(r: EditorTraceResult): TraceNode[] {
  const top: TraceNode[] = [];
  const verdict = `${r.verdict}${r.pathsDiffer ? ' (paths differ)' : ''}`;
  top.push({ id: 'packet', kind: 'info', label: packetLine(r), description: verdict, verdict: r.verdict, assumed: false, path: 0, children: [] });
  if (r.paths.length === 1) top.push(...pathChildren(r.paths[0]!, 0));
  else {
    r.paths.forEach((p, i) => {
      top.push({
        id: `p${i}`,
        kind: 'path',
        label: `path ${i + 1}: ${percent(p.probability)}`,
        description: [p.verdict, natText(p)].filter(Boolean).join(', '),
        tooltip: pathSummary(p, i, r.paths.length),
        verdict: p.verdict,
        assumed: p.assumptions.length > 0,
        path: i,
        children: pathChildren(p, i),
      });
    });
  }
  if (r.assumptions.length > 0) top.push(assumptionGroup('assumptions', 'assumptions', r.assumptions, 0));
  return top;
}

/** A mark the editor draws after a matched rule: its step numbers on the shown path. */
export interface StepMark {
  readonly uri: string;
  readonly line: number;
  readonly range: Location['range'];
  /** `#3 jump KUBE-SVC-X` or `#3 #9 …` when one line is met twice. */
  readonly text: string;
  readonly steps: readonly number[];
  readonly assumed: boolean;
}

/** The marks of one path, per document, one per line (steps on the same line are joined). */
export function stepMarks(p: EditorTracePath): Map<string, StepMark[]> {
  const byLine = new Map<string, { uri: string; line: number; range: Location['range']; steps: number[]; actions: string[]; assumed: boolean }>();
  p.steps.forEach((s, k) => {
    if (s.uri === null || s.range === null) return;
    const key = `${s.uri}\n${s.range.start.line}`;
    const m = byLine.get(key) ?? { uri: s.uri, line: s.range.start.line, range: s.range, steps: [], actions: [], assumed: false };
    m.steps.push(k + 1);
    m.actions.push(s.action);
    m.assumed ||= s.assumptions.length > 0;
    byLine.set(key, m);
  });
  const out = new Map<string, StepMark[]>();
  for (const m of byLine.values()) {
    const list = out.get(m.uri) ?? [];
    const action = m.actions[m.actions.length - 1]!;
    list.push({ uri: m.uri, line: m.line, range: m.range, steps: m.steps, assumed: m.assumed, text: `${m.steps.map((n) => `#${n}`).join(' ')} ${action}${m.assumed ? ' (assumed)' : ''}` });
    out.set(m.uri, list);
  }
  for (const list of out.values()) list.sort((a, b) => a.line - b.line);
  return out;
}

/** The node a tree item or a picture click points at, by path and step number. */
export function stepAt(r: EditorTraceResult, path: number, step: number): EditorTraceStep | undefined {
  if (!Number.isInteger(path) || !Number.isInteger(step)) return undefined;
  return r.paths[path]?.steps[step - 1];
}
