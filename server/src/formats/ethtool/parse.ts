import { clip, endWithoutTrailingBlanks, hasControl, isBlank, leadingBlanks } from '../../core/chars';
import { bomLength, bomProblem } from '../../core/bom';
import { forEachLine, type Line } from '../../core/lines';
import { pushAll } from '../../core/arrays';
import { cutAtEnd, forEachPasteLine, readPaste } from '../paste';
import { ReadBudget } from '../../core/readBudget';
import type { ParseProblem } from '../../core/problem';
import type { Located } from '../../core/span';
import type { EthtoolAnnotation, EthtoolChanges, EthtoolFeature, EthtoolInterface, EthtoolModel, EthtoolNote } from './model';

/** Regexes only run on lines up to this length. */
const MAX_REGEX_LINE = 4096;

const HEADERS: readonly { readonly prefix: string; readonly style: 'features' | 'offload-parameters' }[] = [
  { prefix: 'Features for ', style: 'features' },
  { prefix: 'Offload parameters for ', style: 'offload-parameters' },
];
const ANNOTATIONS: ReadonlySet<string> = new Set<EthtoolAnnotation>(['fixed', 'requested on', 'requested off', 'not requested']);
const FEATURE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*(?: [A-Za-z0-9_.-]+)*$/;
const ERROR_PREFIXES = ['netlink error:', 'Cannot ', 'Could not ', 'ethtool: ', 'no offload info available', 'no feature info available', 'No data available', 'Operation not supported'];
const COMMAND = /(?:^|[\s/$#>])ethtool\s+(?:\S+\s+)*?(-k|-K|--show-features|--show-offload|--features|--offload)\s+([^\s;|&]+)/;

interface OpenBlock {
  readonly kind: 'interface' | 'changes';
  readonly features: EthtoolFeature[];
  readonly seen: Map<string, EthtoolFeature>;
  /** Indentation of the header (or first feature, for a headerless block). */
  baseIndent: number;
  /** Canonical name of the last top-level feature: the parent of indented lines below it. */
  group?: string;
}

/**
 * Parses `ethtool -k` / `--show-offload` output (one or many interfaces, any ethtool version since
 * the 2.6 era) and `ethtool -K` `Actual changes:` reports. Total and linear.
 */
/** The start of a feature line: a name, or a name and the beginning of its state or annotation. */
const CUT_FEATURE = /^[a-z][a-z0-9 _-]*(?::(?:\s+(?:o|of|on|off)?(?:\s+\[[a-z ]*)?)?)?$/;

export function parseEthtool(text: string): EthtoolModel {
  const interfaces: EthtoolInterface[] = [];
  const changes: EthtoolChanges[] = [];
  const notes: EthtoolNote[] = [];
  // Bounded on a 200 MB paste: a real dump has a few thousand lines at most.
  const budget = new ReadBudget('parse/ethtool-limit', 'feature and message lines', 'ethtool output');
  const report = (p: ParseProblem): void => budget.report(p);
  let open: OpenBlock | undefined;
  let lastCommand: EthtoolNote | undefined;
  // The last line with text, and how many problems were reported before it (a cut paste ends mid-line).
  let last: { readonly content: string; readonly span: { start: number; end: number }; readonly before: number } | undefined;

  const startBlock = (kind: 'interface' | 'changes', baseIndent: number): OpenBlock => {
    open = { kind, features: [], seen: new Map(), baseIndent };
    return open;
  };

  const bom = bomLength(text);
  if (bom > 0) report(bomProblem('parse/ethtool-stray-line', 'ethtool never prints one, so this output went through an editor', 'info'));
  // The shared paste layer reads around kubectl noise, fences, elisions, other prompts and a quote's
  // indentation (one note per cause); the lines ethtool's own notes are made of stay this reader's:
  // an `ethtool -k IFACE` / `-K` command line names the interface of a block without a header.
  const paste = readPaste(text, { code: 'parse/paste', ownLine: (l) => readNote(l, 0, 0) !== undefined });
  const visit = ({ text: line, start, number }: Line): boolean | void => {
    if (budget.exhausted(number, { start, end: start + line.length })) return false;
    const lead = leadingBlanks(line);
    const end = endWithoutTrailingBlanks(line);
    if (lead >= end) return;
    const content = line.slice(lead, end);
    const at = start + lead;
    const span = { start: at, end: at + content.length };
    last = { content, span, before: budget.problems.length };

    for (const h of HEADERS) {
      if (!content.startsWith(h.prefix)) continue;
      let name = content.slice(h.prefix.length);
      if (name.endsWith(':')) name = name.slice(0, -1);
      const nameStart = at + h.prefix.length;
      const nameSpan = { start: nameStart, end: nameStart + name.length };
      if (!name || hasSpaceOrControl(name)) {
        report({ code: 'parse/ethtool-syntax', message: `'${clip(content)}' should read '${h.prefix}IFACE:' with one interface name`, span });
      }
      const block = startBlock('interface', lead);
      interfaces.push({ name: { value: name, span: nameSpan }, header: span, style: h.style, features: block.features });
      return;
    }

    if (content === 'Actual changes:') {
      const block = startBlock('changes', lead);
      const iface = lastCommand?.action === 'change' ? lastCommand.interface : undefined;
      changes.push({ header: span, ...(iface ? { interface: iface } : {}), features: block.features });
      return;
    }

    const note = readNote(content, at, number);
    if (note) {
      budget.item();
      notes.push(note);
      if (note.kind === 'command') lastCommand = note;
      return;
    }

    const f = readFeature(content, at, number, report);
    if (f === 'not-a-feature') {
      report({
        code: 'parse/ethtool-stray-line',
        message: hasControl(content)
          ? 'this line contains binary or control characters; it is not ethtool -k output'
          : `'${clip(content)}' is not part of ethtool -k output (a feature line reads 'name: on' or 'name: off'); ignored`,
        span,
        severity: 'info',
      });
      return;
    }
    if (f === 'reported') return;

    let block = open;
    if (!block) {
      block = startBlock('interface', lead);
      const here = { start: at, end: at };
      interfaces.push({ name: { value: '', span: here }, header: here, style: 'headerless', features: block.features });
      report({
        code: 'parse/ethtool-missing-header',
        message: `these feature lines have no 'Features for IFACE:' header, so the interface is unknown; paste the whole 'ethtool -k IFACE' output`,
        span,
        severity: 'info',
      });
    }
    let parent: string | undefined;
    if (lead > block.baseIndent && block.group !== undefined) parent = block.group;
    else if (lead <= block.baseIndent) block.group = f.canonical;
    const feature: EthtoolFeature = parent !== undefined ? { ...f, parent } : f;
    const before = block.seen.get(feature.canonical);
    if (before) {
      report({
        code: 'parse/ethtool-duplicate-feature',
        message: `${feature.canonical} is listed again on line ${number + 1} of the same block; the later line is used`,
        span: before.span,
        severity: 'info',
      });
    }
    block.seen.set(feature.canonical, feature);
    budget.item();
    block.features.push(feature);
  };
  if (!paste) forEachLine(text, visit, bom);
  else forEachPasteLine(paste, (l) => (l.start < bom ? visit({ ...l, text: l.text.slice(bom - l.start), start: bom }) : visit(l)));
  // A feature line cut at the end of the text (`tx-checksum`, no line break) is where the copy
  // stopped: one truncation note (info), as every format says it, instead of its stray-line note.
  if (last && !/[\r\n]$/.test(text) && CUT_FEATURE.test(last.content)) {
    const at = last;
    const cut = budget.problems.findIndex((p, i) => i >= at.before && p.span.end >= at.span.end);
    if (cut >= 0) {
      budget.problems.splice(cut, 1);
      report({ code: 'parse/ethtool-truncated', severity: 'info', span: at.span, message: `'${clip(at.content)}' is the start of a feature line and the text ends there, without a line break: the paste is truncated here` });
    }
  }
  const problems = budget.finish();
  cutAtEnd(text, problems, 'parse/ethtool-truncated', ['parse/ethtool-syntax', 'parse/ethtool-stray-line']);
  if (paste) pushAll(problems, paste.notes);
  return { interfaces, changes, notes, problems };
}

/** Feature names compare with spaces turned into `-` (old ethtool printed `tcp segmentation offload`). */
export function canonicalFeatureName(name: string): string {
  return name.trim().replace(/ +/g, '-');
}

function readFeature(
  content: string,
  at: number,
  line: number,
  report: (p: ParseProblem) => void,
): Omit<EthtoolFeature, 'parent'> | 'not-a-feature' | 'reported' {
  const colon = content.indexOf(':');
  if (colon <= 0 || colon > 200) return 'not-a-feature';
  const name = content.slice(0, colon);
  if (!FEATURE_NAME.test(name)) return 'not-a-feature';
  const restRaw = content.slice(colon + 1);
  const rl = leadingBlanks(restRaw);
  const rest = restRaw.slice(rl);
  const restStart = at + colon + 1 + rl;
  if (!rest) return 'not-a-feature';
  let state: 'on' | 'off' | undefined;
  if (rest.startsWith('on') && (rest.length === 2 || isBlank(rest.charCodeAt(2)))) state = 'on';
  else if (rest.startsWith('off') && (rest.length === 3 || isBlank(rest.charCodeAt(3)))) state = 'off';
  if (!state) {
    const word = rest.length > MAX_REGEX_LINE ? rest.slice(0, 40) : rest.split(/\s/, 1)[0]!;
    // `name: value` with a value other than on/off: a damaged feature line if it is a single word.
    if (rest.length <= 40 && !/\s/.test(rest)) {
      report({
        code: 'parse/ethtool-syntax',
        message: `the state of ${name} must be 'on' or 'off', not '${clip(word)}'`,
        span: { start: restStart, end: restStart + rest.length },
      });
      return 'reported';
    }
    return 'not-a-feature';
  }
  const stateSpan = { start: restStart, end: restStart + state.length };
  const tail = rest.slice(state.length);
  const tl = leadingBlanks(tail);
  const note = tail.slice(tl);
  const noteStart = stateSpan.end + tl;
  let annotation: Located<EthtoolAnnotation> | undefined;
  if (note) {
    const inner = note.startsWith('[') && note.endsWith(']') ? note.slice(1, -1) : undefined;
    if (inner !== undefined && ANNOTATIONS.has(inner)) {
      annotation = { value: inner as EthtoolAnnotation, span: { start: noteStart, end: noteStart + note.length } };
    } else {
      report({
        code: 'parse/ethtool-syntax',
        message: `after '${state}' ethtool prints only [fixed], [requested on], [requested off] or [not requested], not '${clip(note)}'`,
        span: { start: noteStart, end: noteStart + note.length },
      });
    }
  }
  const a = annotation?.value;
  return {
    name: { value: name, span: { start: at, end: at + name.length } },
    canonical: canonicalFeatureName(name),
    state: { value: state, span: stateSpan },
    fixed: a === 'fixed',
    ...(a === 'requested on' ? { requested: 'on' as const } : a === 'requested off' ? { requested: 'off' as const } : {}),
    notRequested: a === 'not requested',
    ...(annotation ? { annotation } : {}),
    span: { start: at, end: at + content.length },
    line,
  };
}

function readNote(content: string, at: number, line: number): EthtoolNote | undefined {
  const text = { value: content, span: { start: at, end: at + content.length } };
  if (content.startsWith('Cannot get ')) return { kind: 'cannot-get', text, line };
  for (const p of ERROR_PREFIXES) if (content.startsWith(p)) return { kind: 'error', text, line };
  if (content.length <= MAX_REGEX_LINE && content.includes('ethtool')) {
    const m = COMMAND.exec(content);
    if (m) {
      const flag = m[1]!;
      const iface = m[2]!;
      const idx = m.index + m[0].length - iface.length;
      return {
        kind: 'command',
        text,
        line,
        interface: { value: iface, span: { start: at + idx, end: at + idx + iface.length } },
        action: flag === '-K' || flag === '--features' || flag === '--offload' ? 'change' : 'show',
      };
    }
  }
  return undefined;
}

function hasSpaceOrControl(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) <= 32 || s.charCodeAt(i) === 127) return true;
  return false;
}

