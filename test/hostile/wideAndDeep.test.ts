import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseDocument } from '../../server/src/node/document';
import { parseNftables } from '../../server/src/formats/nftables';
import { walkExpr } from '../../server/src/formats/nftables/query';
import type { NftExpr } from '../../server/src/formats/nftables/model';
import { remediationScript } from '../../server/src/engine/remediation';
import { codeActions, FIX_ALL_KIND } from '../../server/src/lsp/codeActions';
import { chooseFixes } from '../../server/src/engine/fixes';
import { answerTrace } from '../../server/src/lsp/traceRequest';
import type { Report } from '../../server/src/engine/lint';
import type { Fix } from '../../server/src/rules/rule';
import { listNodes } from '../../server/src/node/folder';
import type { EntryStat, FolderReader } from '../../server/src/node/entries';
import type { NodeSnapshot } from '../../server/src/node/snapshot';
import { RuleResults } from '../../server/src/engine/incremental';
import type { RuleMeta } from '../../server/src/rules/rule';
import { assertSane, checkNode, reportsOf } from './engine';

/**
 * Inputs wide or deep enough to overflow the stack where code spread an input-sized array into a
 * call's arguments (`push(...xs)`: V8 puts every item on the stack, and throws somewhere above
 * ~120,000) or recursed once per level of the input. Each of these threw "Maximum call stack size
 * exceeded" before its fix (core/arrays.ts pushAll, an iterative walk, or a depth limit reported
 * as a finding).
 */
const WIDE = 400_000;

const NFT = (body: string): string => `table ip t {\n chain c {\n  type filter hook prerouting priority 0; policy accept;\n${body}\n }\n}\n`;

function syntheticReport(text: string, fixes: readonly Fix[]): Report {
  return { ruleId: 'test/wide', title: 'wide', severity: 'warning', message: 'wide', span: { start: 0, end: Math.min(1, text.length) }, related: [], fixes, docsUrl: '' };
}

describe('nftables: expressions nested by the input are bounded, with a finding', () => {
  it('100,000 nested `jhash` words: no recursion per word, the stray hashes reported', () => {
    const text = NFT(`  meta mark set ${'jhash '.repeat(100_000)}ip saddr mod 2`);
    const model = parseNftables(text);
    assert.ok(model.problems.some((p) => /cannot hash another hash/.test(p.message)));
    assertSane(checkNode('deep', [{ path: 'deep/nft-list-ruleset.txt', text }]));
  });

  it('100,000 binary operators in one expression: kept as opaque words past 64, the trace still answers', () => {
    const text = NFT(`  meta mark ${'& 0xffff '.repeat(100_000)}== 0x4000 accept\n  meta mark set meta mark ${'| 0x1 '.repeat(100_000)}`);
    const r = checkNode('deep', [{ path: 'deep/nft-list-ruleset.txt', text }]);
    assertSane(r);
    assert.ok(reportsOf(r).some((x) => /more than 64 operators in one expression/.test(x.message)));
    // The tracer's expression walkers recursed once per operator.
    const answer = answerTrace({ uri: 'deep/nft-list-ruleset.txt', packet: 'tcp 10.244.1.5:40000 -> 10.96.0.10:443' }, r.results.map((x) => x.document));
    assert.ok('result' in answer, JSON.stringify(answer).slice(0, 200));
    // 64 operators are still read as an expression (no finding).
    const ok = checkNode('deep', [{ path: 'deep/nft-list-ruleset.txt', text: NFT(`  meta mark ${'& 0xffff '.repeat(64)}== 0x4000 accept`) }]);
    assert.ok(!reportsOf(ok).some((x) => /operators in one expression/.test(x.message)));
  });

  it(`${WIDE.toLocaleString('en')} table, set and flowtable flags, and an unknown statement's bracket of as many words`, () => {
    const words = Array.from({ length: WIDE }, () => 'dormant').join(' ');
    const commas = Array.from({ length: WIDE }, () => 'interval').join(',');
    const text = `table ip t {\n flags ${words}\n set s { type ipv4_addr; flags ${commas}; }\n flowtable f { hook ingress priority 0; flags ${commas}; }\n chain c {\n  type filter hook prerouting priority 0;\n  queue ( ${'1 '.repeat(WIDE)})\n }\n}\n`;
    const model = parseNftables(text);
    const table = model.tables[0]!;
    assert.equal(table.flags.length, WIDE);
    assert.equal(table.sets[0]!.flags.length, WIDE);
    assertSane(checkNode('wide', [{ path: 'wide/nft-list-ruleset.txt', text }]));
  });

  it(`walkExpr visits a concatenation of ${WIDE.toLocaleString('en')} parts`, () => {
    const span = { start: 0, end: 0 };
    const parts: NftExpr[] = Array.from({ length: WIDE }, (_, i) => ({ kind: 'value', span, text: String(i) }));
    let visited = 0;
    walkExpr({ kind: 'concat', span, parts }, () => visited++);
    assert.equal(visited, WIDE + 1);
  });
});

describe(`fixes of ${WIDE.toLocaleString('en')} edits or steps`, () => {
  const text = 'net.ipv4.ip_forward = 1\n';
  const document = parseDocument({ uri: 'file:///n/sysctl.conf', path: '/n/sysctl.conf', text, kind: 'sysctl' });
  const edits = Array.from({ length: WIDE }, () => ({ span: { start: 0, end: 0 }, newText: '#' }));

  it('the remediation script writes every step of a safe and of a needs-review fix', () => {
    const steps = Array.from({ length: WIDE }, (_, i) => ({ kind: 'note' as const, text: `step ${i}` }));
    const report = syntheticReport(text, [
      { kind: 'command', title: 'run', steps, safe: true },
      { kind: 'command', title: 'review', steps: steps.slice(1), safe: false, review: 'wide' },
    ]);
    const script = remediationScript({ name: 'wide' }, [{ document, reports: [report] }]);
    assert.ok(script.split('\n').length > 2 * WIDE, 'every step has its line');
  });

  it('source.fixAll offers a safe fix with every edit', () => {
    const report = syntheticReport(text, [{ kind: 'edit', title: 'edit', edits, safe: true }]);
    const params = { textDocument: { uri: document.uri }, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, context: { diagnostics: [], only: [FIX_ALL_KIND] } };
    const all = codeActions(document, 1, params, [report]).find((a) => a.kind === FIX_ALL_KIND);
    assert.equal(all?.edit?.changes?.[document.uri]?.length, WIDE);
  });

  it('`kube-netlint fix` chooses that fix', () => {
    const report = syntheticReport(text, [{ kind: 'edit', title: 'edit', edits, safe: true }]);
    const { chosen } = chooseFixes([report], false);
    assert.equal(chosen[0]?.edits.length, WIDE);
  });
});

describe('a node or bundle wide enough to overflow a spread', () => {
  it('a Cilium sysdump of 150,000 bugtool folders lists one node per folder', () => {
    const N = 150_000;
    const bugtools = Array.from({ length: N }, (_, i) => `cilium-bugtool-node${i}-1`);
    const file = 'sysctl--a.md';
    const stat = (p: string): EntryStat => ({ kind: p.endsWith('.md') ? 'file' : 'dir', size: 30, mtimeMs: 0 });
    const reader: FolderReader = {
      lstat: stat,
      stat,
      realpath: (p) => p,
      readdir: (p) => (p === '/s' ? bugtools : p.endsWith('/cmd') ? [file] : p.startsWith('/s/cilium-bugtool-') ? ['cmd'] : []),
      readFile: () => 'net.ipv4.ip_forward = 1\n',
    };
    const { nodes } = listNodes('/s', reader);
    assert.equal(nodes.filter((n) => n.files.some((f) => f.path.endsWith(file))).length, N);
  });

  it('the editor keeps a rule\'s findings while 400,000 documents of a kind it uses stay the same', () => {
    const text = 'net.ipv4.ip_forward = 1\n';
    const document = parseDocument({ uri: 'file:///n/sysctl.conf', path: '/n/sysctl.conf', text, kind: 'sysctl' });
    const many = Array.from({ length: WIDE }, () => document);
    // A node that holds as many sysctl documents (only `ofKind` and `facts` are read).
    const node = { ofKind: () => many, facts: {} } as unknown as NodeSnapshot;
    const results = new RuleResults();
    const meta = { id: 'test/wide', uses: ['sysctl'] } as unknown as RuleMeta;
    results.keep(meta, document, node, []);
    assert.deepEqual(results.reuse(meta, document, node), []);
  });
});
