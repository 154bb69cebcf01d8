import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isKnownKind, type KnownKind } from '../../server/src/formats/kind';
import { readSettings, type FactOverrides } from '../../server/src/node/settings';
import type { NodeFile } from './ruleTester';

/**
 * The examples of a rule's docs page, read as tests (the format is described in docs/rules/README.md).
 *
 * In the page's `## Examples` section every fenced block says what it is in its info string:
 *
 *     ```<language> fires|does-not-fire|node [path=NAME] [kind=KIND] [kernelVersion=5.4.0 ...]
 *
 * The first word only colours the block on GitHub. `fires` / `does-not-fire` is an example of the
 * page's rule; `node` is another file of the same node that belongs to the next example. The
 * remaining words are attributes: `path` names the file in the node folder, `kind` forces how it is
 * read (an example is read as the kind its rule reads unless told), and the fact overrides of the
 * settings (`kernelVersion`, `kubeProxyVersion`, `kubeProxyMode`, `nodeCount`) are the user's
 * settings for that example. A block without a role, an unknown attribute or a `node` block with no
 * example after it is an error, so a page cannot quietly stop being tested.
 */
export type Verdict = 'fires' | 'does-not-fire';

export interface DocExample {
  readonly verdict: Verdict;
  /** 1-based line of the opening fence in the page, for messages. */
  readonly line: number;
  readonly text: string;
  readonly path: string;
  readonly kind?: KnownKind;
  readonly facts: FactOverrides;
  /** Files of the same node (the `node` blocks before it). */
  readonly node: readonly NodeFile[];
}

const ROLES = new Set(['fires', 'does-not-fire', 'node']);
const FACT_KEYS = new Set(['kernelVersion', 'kubeProxyVersion', 'kubeProxyMode', 'nodeCount']);
const FENCE = /^(`{3,}|~{3,})(.*)$/;

interface Block {
  readonly line: number;
  readonly info: string;
  readonly text: string;
}

/** The lines of the `## Examples` section (up to the next `## ` heading), with their page line numbers. */
function examplesSection(page: string): { lines: string[]; first: number } {
  const all = page.split('\n');
  const start = all.findIndex((l) => l.trimEnd() === '## Examples');
  if (start < 0) return { lines: [], first: 0 };
  let end = start + 1;
  let fence: string | undefined;
  for (; end < all.length; end++) {
    const m = FENCE.exec(all[end]!);
    if (m) fence = fence === undefined ? m[1]! : m[1]!.startsWith(fence) && m[2]!.trim() === '' ? undefined : fence;
    else if (fence === undefined && all[end]!.startsWith('## ')) break;
  }
  return { lines: all.slice(start + 1, end), first: start + 2 };
}

function blocks(lines: readonly string[], first: number, where: string): Block[] {
  const out: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i]!);
    if (!open) continue;
    const fence = open[1]!;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      const close = FENCE.exec(lines[j]!);
      if (close && close[1]!.startsWith(fence) && close[2]!.trim() === '') break;
      body.push(lines[j]!);
    }
    if (j >= lines.length) throw new Error(`${where}:${first + i}: code block is not closed`);
    out.push({ line: first + i, info: open[2]!.trim(), text: body.join('\n') + '\n' });
    i = j;
  }
  return out;
}

/** Parses a page's examples; throws on anything malformed (the message names page and line). */
export function parseDocExamples(page: string, where: string): DocExample[] {
  const { lines, first } = examplesSection(page);
  const examples: DocExample[] = [];
  let pending: NodeFile[] = [];
  for (const b of blocks(lines, first, where)) {
    const at = `${where}:${b.line}`;
    const [, role, ...attrs] = b.info.split(/\s+/);
    if (!role || !ROLES.has(role)) throw new Error(`${at}: code block's info string "${b.info}" names no role (fires, does-not-fire or node)`);
    const values = new Map<string, string>();
    for (const a of attrs) {
      const eq = a.indexOf('=');
      const key = eq > 0 ? a.slice(0, eq) : a;
      if (eq <= 0 || !(key === 'path' || key === 'kind' || FACT_KEYS.has(key))) throw new Error(`${at}: unknown attribute "${a}"`);
      values.set(key, a.slice(eq + 1));
    }
    const kind = values.get('kind');
    if (kind !== undefined && !isKnownKind(kind)) throw new Error(`${at}: unknown kind "${kind}"`);
    if (role === 'node') {
      if ([...values.keys()].some((k) => FACT_KEYS.has(k))) throw new Error(`${at}: facts belong on the example, not on a node file`);
      pending.push({ path: values.get('path') ?? `node-file-${pending.length + 1}.txt`, text: b.text, ...(kind ? { kind } : {}) });
      continue;
    }
    const notes: string[] = [];
    const facts = readSettings({ facts: Object.fromEntries([...values].filter(([k]) => FACT_KEYS.has(k))) }, notes).facts;
    if (notes.length) throw new Error(`${at}: ${notes.join('; ')}`);
    examples.push({ verdict: role as Verdict, line: b.line, text: b.text, path: values.get('path') ?? 'example.txt', ...(kind ? { kind } : {}), facts, node: pending });
    pending = [];
  }
  if (pending.length) throw new Error(`${where}: a node block after the last example belongs to no example`);
  return examples;
}

const ROOT = join(__dirname, '..', '..');

/** The docs page of a rule id. */
export function docsPagePath(ruleId: string): string {
  return join(ROOT, 'docs', 'rules', `${ruleId}.md`);
}

/** The examples of a rule's docs page. */
export function docExamples(ruleId: string): DocExample[] {
  return parseDocExamples(readFileSync(docsPagePath(ruleId), 'utf8'), `docs/rules/${ruleId}.md`);
}
