import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseDocument, type ParsedDocument } from '../../server/src/node/document';
import { updateDocument } from '../../server/src/node/incremental';
import { phraseOffsets } from '../../server/src/node/textHits';

/**
 * A phrase's offsets are carried from one version of a document to the next (node/textHits.ts):
 * for random edits in and around the phrase, they equal a search of the whole new text.
 */
const PHRASE = "is incompatible, use 'nft' tool";
const LINE = `-A INPUT -m comment --comment "iptables v1.8.7 (nf_tables): table 'nat' ${PHRASE}." -j ACCEPT`;
const TEXT = ['*filter', ':INPUT ACCEPT [0:0]', LINE, '-A INPUT -p tcp -j ACCEPT', LINE, LINE, 'COMMIT', ''].join('\n');

const parse = (text: string): ParsedDocument => parseDocument({ uri: 'file:///n/iptables-save', path: '/n/iptables-save', text, kind: 'iptables' });

function searched(text: string): number[] {
  const hits: number[] = [];
  for (let p = text.indexOf(PHRASE); p >= 0; p = text.indexOf(PHRASE, p + 1)) hits.push(p);
  return hits;
}

test('offsets carried across edits equal a search of the whole text', () => {
  let carried = 0;
  fc.assert(
    fc.property(
      fc.array(fc.record({ at: fc.nat(), remove: fc.nat(4), insert: fc.constantFrom('', 'x', ' ', PHRASE, "'", 'use', 'tool') }), { minLength: 1, maxLength: 12 }),
      (edits) => {
        let doc = parse(TEXT);
        phraseOffsets(doc, PHRASE);
        for (const e of edits) {
          // Inside the rule lines (the re-reader takes those; others are parsed again and searched in full).
          const rules = [...doc.text.matchAll(/^-A .*$/gm)];
          const line = rules[e.at % rules.length]!;
          const start = line.index! + (e.at % line[0].length);
          const end = Math.min(line.index! + line[0].length, start + e.remove);
          const text = doc.text.slice(0, start) + e.insert + doc.text.slice(end);
          const updated = updateDocument(doc, text, { start, oldEnd: end, newEnd: start + e.insert.length });
          if (updated) carried++;
          doc = updated ?? parse(text);
          assert.deepEqual(phraseOffsets(doc, PHRASE), searched(text), JSON.stringify(e));
        }
      },
    ),
    { numRuns: 200, seed: 7 },
  );
  assert.ok(carried > 100, `only ${carried} edits were taken incrementally`);
});

test('the edited window is searched, not the text after it', () => {
  const doc = parse(TEXT);
  assert.deepEqual(phraseOffsets(doc, PHRASE), searched(TEXT));
  // The phrase broken by a deletion inside it, then typed back.
  const at = TEXT.indexOf(PHRASE) + 5;
  const broken = updateDocument(doc, TEXT.slice(0, at) + TEXT.slice(at + 1), { start: at, oldEnd: at + 1, newEnd: at })!;
  assert.deepEqual(phraseOffsets(broken, PHRASE), searched(TEXT).slice(1).map((p) => p - 1));
  const back = updateDocument(broken, TEXT, { start: at, oldEnd: at, newEnd: at + 1 })!;
  assert.deepEqual(phraseOffsets(back, PHRASE), searched(TEXT));
});
