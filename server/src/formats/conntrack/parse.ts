import { scanLines } from './lines';
import type { ConntrackModel } from './model';
import { ConntrackReader } from './reader';

export { parseConntrackEntry } from './entry';

/**
 * Reads any mix of conntrack outputs (see `ConntrackModel`) from the whole text: the editor's
 * driver of the one conntrack reader (`reader.ts`); the CLI streams big files through the same
 * reader with `ConntrackStream`. One pass, aggregates and bounded samples, never throws; every
 * problem sits on the exact offending text.
 */
export function parseConntrack(text: string): ConntrackModel {
  const reader = new ConntrackReader();
  scanLines(text, true, 0, reader);
  return reader.finish();
}
