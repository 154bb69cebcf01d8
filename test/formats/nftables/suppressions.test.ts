/**
 * Inline suppressions in nft files: `#` is nft's comment, so the directive is a comment nft itself
 * skips (`nft -f` loads the file unchanged), and "Disable RULE for this line" writes one.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { lintDocument } from '../../../server/src/engine/lint';
import { suppressionInsert } from '../../../server/src/engine/suppressions';
import { parseDocument } from '../../../server/src/node/document';
import { DEFAULT_SETTINGS } from '../../../server/src/node/settings';
import { createSnapshot } from '../../../server/src/node/snapshot';

const RULE = 'parse/nftables-syntax';

function findings(text: string): { line: number; ruleId: string }[] {
  const doc = parseDocument({ uri: 'file:///node/ruleset.nft', path: '/node/ruleset.nft', text, kind: 'nftables' });
  return lintDocument(doc, createSnapshot('/node', [doc], {}), DEFAULT_SETTINGS)
    .filter((r) => r.ruleId.startsWith('parse/'))
    .map((r) => ({ line: doc.lines.positionAt(r.span.start).line, ruleId: r.ruleId }));
}

describe('suppressions in nftables files', () => {
  // A stray `}` on line 3 (0-based) and another on line 5.
  const BAD = 'table ip t {\n\tchain c {\n\t}\n}\n\t\t# kube-netlint-disable-next-line RULE\n}\n}\n';

  it('`# kube-netlint-disable-next-line RULE` removes that finding on the next line only', () => {
    const plain = BAD.replace(/\t\t# kube-netlint-disable-next-line RULE\n/, '');
    assert.deepEqual(findings(plain), [
      { line: 4, ruleId: RULE },
      { line: 5, ruleId: RULE },
    ]);
    const text = BAD.replace('RULE', RULE);
    // The directive sits on line 4: it covers line 5 and leaves line 6 reported.
    assert.deepEqual(findings(text), [{ line: 6, ruleId: RULE }]);
    // Another rule's id does not cover it.
    assert.deepEqual(findings(BAD.replace('RULE', 'parse/nftables-json')).map((f) => f.line), [5, 6]);
  });

  it('"Disable for this line" writes a `#` directive with the line\'s indentation and line break', () => {
    for (const eol of ['\n', '\r\n']) {
      const text = ['table ip t {', '\tchain c {', '\t\tcounter', '\t}', '}', '}', ''].join(eol);
      const doc = parseDocument({ uri: 'file:///n/r.nft', path: '/n/r.nft', text, kind: 'nftables' });
      const ins = suppressionInsert(text, doc.lines, 'nftables', 2, RULE);
      assert.ok(ins);
      assert.equal(ins.newText, `\t\t# kube-netlint-disable-next-line ${RULE}${eol}`);
      assert.equal(ins.offset, text.indexOf('\t\tcounter'));
      const last = suppressionInsert(text, doc.lines, 'nftables', 5, RULE)!;
      const fixed = text.slice(0, last.offset) + last.newText + text.slice(last.offset);
      assert.deepEqual(findings(text).map((f) => f.line), [5]);
      assert.deepEqual(findings(fixed), []);
    }
  });
});
