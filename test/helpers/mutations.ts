import fc from 'fast-check';

/**
 * Random edits of real fixtures for property tests: the readers must stay total (never throw, every
 * span inside the text) whatever a paste does to a dump.
 */
export type Mutation =
  | { kind: 'insert'; at: number; s: string }
  | { kind: 'delete'; at: number; n: number }
  | { kind: 'replace'; at: number; s: string }
  | { kind: 'crlf' | 'tabs' }
  | { kind: 'truncate'; at: number };

export function mutation(tokens: string[]): fc.Arbitrary<Mutation> {
  return fc.oneof(
    fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), s: fc.string({ unit: 'binary', maxLength: 12 }) }),
    fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), s: fc.constantFrom(...tokens) }),
    fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), n: fc.nat({ max: 40 }) }),
    fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), s: fc.string({ unit: 'binary-ascii', minLength: 1, maxLength: 6 }) }),
    fc.record({ kind: fc.constantFrom('crlf' as const, 'tabs' as const) }),
    fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  );
}

/** `tabs` turns every match of `tabRun` into a tab (a single space by default; ethtool indents with 8). */
export function applyMutation(text: string, op: Mutation, tabRun: RegExp = / /g): string {
  const pos = 'at' in op ? op.at % (text.length + 1) : 0;
  switch (op.kind) {
    case 'insert':
      return text.slice(0, pos) + op.s + text.slice(pos);
    case 'delete':
      return text.slice(0, pos) + text.slice(pos + op.n);
    case 'replace':
      return text.slice(0, pos) + op.s + text.slice(pos + op.s.length);
    case 'crlf':
      return text.replace(/\n/g, '\r\n');
    case 'tabs':
      return text.replace(tabRun, '\t');
    case 'truncate':
      return text.slice(0, pos);
  }
}
