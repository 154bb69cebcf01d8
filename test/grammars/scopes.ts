// Scope assertions on single lines: "the token `text` has innermost scope `scope`".
import assert from 'node:assert/strict';
import type { IGrammar } from 'vscode-textmate';
import { tokenizeLines } from './tokenize';
import type { Token } from './tokenize';

/** [line, token text, expected innermost scope, which occurrence of the text (default 0)] */
export type ScopeCase = readonly [line: string, token: string, scope: string, occurrence?: number];

export function tokensOf(grammar: IGrammar, line: string): readonly Token[] {
  const [r] = tokenizeLines(grammar, [line]);
  assert.ok(r, 'one line tokenized');
  return r.tokens;
}

/** Asserts that the `occurrence`-th token whose text is exactly `token` ends with scope `scope`. */
export function assertScope(grammar: IGrammar, [line, token, scope, occurrence = 0]: ScopeCase): void {
  const tokens = tokensOf(grammar, line);
  const hits = tokens.filter((t) => t.text === token);
  const t = hits[occurrence];
  const shown = tokens.map((x) => `${JSON.stringify(x.text)}=${x.scopes.slice(1).join(' ') || '-'}`).join('\n  ');
  assert.ok(t, `no token ${JSON.stringify(token)} (#${occurrence}) in ${JSON.stringify(line)}; tokens:\n  ${shown}`);
  assert.equal(t.scopes[t.scopes.length - 1], scope, `scope of ${JSON.stringify(token)} in ${JSON.stringify(line)}; tokens:\n  ${shown}`);
}
