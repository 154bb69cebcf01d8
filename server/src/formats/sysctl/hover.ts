import { contains } from '../../core/span';
import type { OutlineNode, TokenHover } from '../features';
import type { SysctlEntry, SysctlModel } from './model';
import { procPath, sysctlDocUrl, sysctlKeyDoc } from './glossary';

function entryAt(model: SysctlModel, offset: number): SysctlEntry | undefined {
  const es = model.entries;
  let lo = 0;
  let hi = es.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const e = es[mid]!;
    if (offset < e.span.start) hi = mid - 1;
    else if (offset > e.span.end) lo = mid + 1;
    else return e;
  }
  return undefined;
}

/** Key: meaning, default, unit, /proc path, docs. Value: what this value means for that key. */
export function sysctlHover(model: SysctlModel, offset: number): TokenHover | undefined {
  const e = entryAt(model, offset);
  if (!e) return undefined;
  const g = sysctlKeyDoc(e.key);
  const url = sysctlDocUrl(e.key);
  if (e.origin === 'uname' && contains(e.value.span, offset)) return unameHover(e);
  if (contains(e.value.span, offset) && e.value.span.end > e.value.span.start) {
    const meaning = g?.doc.values?.[e.value.value];
    if (!meaning && !g?.doc.unit) return undefined;
    return {
      span: e.value.span,
      markdown: `**\`${e.key}\` = \`${e.value.value}\`**${g?.doc.unit ? ` ${g.doc.unit}` : ''}\n\n${meaning ?? g!.doc.meaning}${g?.doc.default ? `\n\nDefault: \`${g.doc.default}\`` : ''}`,
    };
  }
  if (!contains(e.rawKey.span, offset) || e.rawKey.span.end === e.rawKey.span.start) return undefined;
  const lines = [`**\`${e.key}\`**${g?.pattern !== e.key && g ? ` (\`${g.pattern}\`)` : ''}`];
  if (g) {
    lines.push('', g.doc.meaning);
    if (g.doc.values) lines.push('', ...Object.entries(g.doc.values).map(([v, m]) => `- \`${v}\`: ${m}`));
    if (g.doc.default) lines.push('', `Default: \`${g.doc.default}\`${g.doc.unit ? ` (${g.doc.unit})` : ''}`);
    if (g.doc.notes) lines.push('', g.doc.notes);
  }
  lines.push('', `\`${procPath(e.key)}\`${url ? ` — [kernel documentation](${url})` : ''}`);
  return { span: e.rawKey.span, markdown: lines.join('\n') };
}

/** A kernel release read from `uname -r` / `uname -a`: what it is and what kube-netlint does with it. */
function unameHover(e: SysctlEntry): TokenHover {
  const m = /^(\d+)\.(\d+)/.exec(e.value.value);
  const series = m ? `${m[1]}.${m[2]}` : undefined;
  return {
    span: e.value.span,
    markdown: [
      `**Kernel release \`${e.value.value}\`** (from \`uname\`)`,
      '',
      `The running kernel${series ? ` (series ${series})` : ''}, the same value as \`kernel.osrelease\` (\`/proc/sys/kernel/osrelease\`). kube-netlint takes it as this node's kernel version: rules with kernel version gates (the VXLAN checksum bug, \`--random\` equal to \`--random-fully\` from 5.0, conntrack counters) read it for every file of the node folder.`,
      '',
      'A distribution kernel (`-generic`, `.el7`) may carry back-ported fixes its upstream version does not show; rules say when a verdict depends on that.',
    ].join('\n'),
  };
}

/** Keys grouped by their first two components (`net.ipv4`, `net.netfilter`, `vm`, ...). */
export function sysctlOutline(model: SysctlModel): OutlineNode[] {
  const groups = new Map<string, SysctlEntry[]>();
  for (const e of model.entries) {
    if (e.origin !== 'sysctl') continue;
    const g = e.key.split('.').slice(0, 2).join('.');
    const list = groups.get(g);
    if (list) list.push(e);
    else groups.set(g, [e]);
  }
  return [...groups.entries()].map(([name, entries]) => {
    const first = entries[0]!;
    const last = entries[entries.length - 1]!;
    return {
      name,
      detail: `${entries.length} key${entries.length === 1 ? '' : 's'}`,
      kind: 'group' as const,
      span: { start: first.span.start, end: last.span.end },
      selection: first.rawKey.span,
      children: entries.map((e) => ({ name: e.key, detail: e.value.value, kind: 'key' as const, span: e.span, selection: e.rawKey.span })),
    };
  });
}
