// Golden renderings (`token -> scopes`, one block per line) of the real fixtures copied under
// test/fixtures/grammars/. Regenerate with UPDATE_GOLDEN=1 and review the diff.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES, assertGolden, readFixture } from '../helpers/golden';
import { loadGrammar, renderTokens, splitLines, tokenizeLines } from './tokenize';

const KINDS: Readonly<Record<string, string>> = {
  'iptables-save': 'source.iptables',
  'iptables-list': 'source.iptables',
  nftables: 'source.nftables',
  ipvsadm: 'source.ipvsadm',
  conntrack: 'source.conntrack',
  'conntrack-stats': 'source.conntrack',
  sysctl: 'source.sysctl',
  ethtool: 'source.ethtool',
  'ip-link': 'source.ip-link',
  'ip-addr': 'source.ip-addr',
  'ip-route': 'source.ip-route',
  'ip-rule': 'source.ip-rule',
  'bridge-link': 'source.bridge-link',
};

describe('grammar snapshots of real fixtures', () => {
  before(async () => {
    for (const scope of new Set(Object.values(KINDS))) await loadGrammar(scope);
  });
  for (const [kind, scope] of Object.entries(KINDS)) {
    const files = readdirSync(join(FIXTURES, 'grammars', kind)).filter((f) => !f.endsWith('.md')).sort();
    it(`${kind}: has fixtures`, () => assert.ok(files.length > 0));
    for (const file of files) {
      it(`${kind}/${file}`, async () => {
        const text = readFixture(`grammars/${kind}/${file}`);
        const lines = tokenizeLines(await loadGrammar(scope), splitLines(text));
        for (const [i, l] of lines.entries()) {
          assert.equal(l.stoppedEarly, false, `line ${i + 1} stopped early`);
          // tokens tile the line exactly
          let pos = 0;
          for (const t of l.tokens) {
            assert.equal(t.start, pos, `line ${i + 1}: gap or overlap at ${pos}`);
            pos = t.end;
          }
          assert.equal(pos, l.text.length, `line ${i + 1}: tokens do not cover the line`);
        }
        assertGolden(`grammars/${kind}/${file}.snap`, renderTokens(lines));
      });
    }
  }
});
