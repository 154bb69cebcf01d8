import { clip, hasControl } from '../../core/chars';
import { ReadBudget } from '../../core/readBudget';
import { forEachReadLine } from '../paste';
import type { Located } from '../../core/span';
import { freeze, readHeader, type OpenLink } from '../ip-link/parse';
import { LINK_ARITY } from '../ip-link/tables';
import { readAttrs, words } from '../ip-link/words';
import type { BridgeLinkModel, BridgePort } from './model';

/** Reads `bridge [-d] link` output. Total and linear. */
export function parseBridgeLink(text: string): BridgeLinkModel {
  const budget = new ReadBudget('parse/bridge-link-limit', 'port lines', 'bridge link output');
  const ports: BridgePort[] = [];
  let open: OpenLink | undefined;
  const close = (): void => {
    if (!open) return;
    const link = freeze(open);
    const hp = open.attrs.find((a) => a.section === 'slave' && a.key.value === 'hairpin');
    const v = hp?.value;
    const hairpin: Located<'on' | 'off'> | undefined = v && (v.value === 'on' || v.value === 'off') ? { value: v.value, span: v.span } : undefined;
    ports.push(hairpin ? { ...link, hairpin } : link);
    open = undefined;
  };
  // Prompts, kubectl noise, fences, elisions and a common indentation (an issue paste) are read
  // around by the shared paste layer, with one note per cause.
  const pasteNotes = forEachReadLine(text, ({ text: line, start, number }) => {
    if (budget.exhausted(number, { start, end: start + line.length })) return false;
    const ws = words(line, start);
    if (ws.length === 0) return;
    const span = { start: ws[0]!.span.start, end: ws[ws.length - 1]!.span.end };
    const indented = ws[0]!.span.start > start;
    if (!indented) {
      const h = readHeader(start, number, ws);
      if (h && h !== 'damaged') {
        close();
        budget.item();
        open = h;
        return;
      }
    } else if (open) {
      budget.item();
      for (const a of readAttrs(ws, 0, LINK_ARITY)) open.attrs.push({ ...a, section: 'slave' });
      open.end = span.end;
      return;
    }
    budget.report({
      code: 'parse/bridge-link-syntax',
      message: hasControl(line) ? 'this line contains binary or control characters; it is not bridge link output' : `'${clip(line.trim())}' is not part of bridge link output (a port reads 'N: NAME: <FLAGS> mtu M master BRIDGE state STATE ...'); ignored`,
      span,
      severity: 'info',
    });
  });
  close();
  return { ports, problems: [...pasteNotes, ...budget.finish()] };
}
