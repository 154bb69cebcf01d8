import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { run } from '../../server/src/cli/main';
import { lintDocument, MAX_FINDINGS_PER_RULE, type Report } from '../../server/src/engine/lint';
import { parseDocument, type ParsedDocument } from '../../server/src/node/document';
import { DEFAULT_SETTINGS } from '../../server/src/node/settings';
import { createSnapshot } from '../../server/src/node/snapshot';
import { TestClient } from '../helpers/lspClient';

/**
 * At most 1,000 findings per rule and file; the rest summed up in one finding of that rule, at the
 * first finding not shown. The runner does it, so the CLI and the editor report the same.
 */
const MASQ = 'iptables/masquerade-without-random-fully';

/** An iptables-save dump with `n` distinct MASQUERADE rules (one finding each), rule i on line i + 2. */
function masqueradeDump(n: number): string {
  const rules = Array.from({ length: n }, (_, i) => `-A POSTROUTING -s 10.${i >> 8}.${i & 255}.0/24 -j MASQUERADE`);
  return `*nat\n:POSTROUTING ACCEPT [0:0]\n${rules.join('\n')}\nCOMMIT\n`;
}

function lint(text: string): { doc: ParsedDocument; reports: Report[] } {
  const doc = parseDocument({ uri: 'file:///node/iptables-save.txt', path: '/node/iptables-save.txt', text, kind: 'iptables' });
  return { doc, reports: lintDocument(doc, createSnapshot('/node', [doc], {}), DEFAULT_SETTINGS) };
}

const of = (reports: readonly Report[], ruleId: string): Report[] => reports.filter((r) => r.ruleId === ruleId);

describe('findings cap per rule and file (engine/lint.ts)', () => {
  it('reports the first 1,000 findings of a rule and sums up the rest in one finding where they start', () => {
    const { doc, reports } = lint(masqueradeDump(2500));
    const masq = of(reports, MASQ);
    assert.equal(MAX_FINDINGS_PER_RULE, 1000);
    assert.equal(masq.length, 1001);
    const summary = masq.filter((r) => /not shown/.test(r.message));
    assert.equal(summary.length, 1);
    assert.equal(summary[0]!.message, `1,500 more ${MASQ} findings in this file, from here on, are not shown: only the first 1,000 per rule and file are reported.`);
    assert.equal(doc.lines.positionAt(summary[0]!.span.start).line, 1002, 'at the 1,001st rule');
    assert.deepEqual(summary[0]!.fixes, []);
    const shownLines = masq.filter((r) => r !== summary[0]).map((r) => doc.lines.positionAt(r.span.start).line);
    assert.deepEqual(shownLines, Array.from({ length: 1000 }, (_, i) => i + 2));
  });

  it('leaves a rule at the cap alone, and reports one finding past it as itself', () => {
    assert.equal(of(lint(masqueradeDump(1000)).reports, MASQ).filter((r) => /not shown/.test(r.message)).length, 0);
    const one = of(lint(masqueradeDump(1001)).reports, MASQ);
    assert.equal(one.length, 1001);
    assert.ok(one.every((r) => !/not shown/.test(r.message)));
  });

  it('counts only findings that are reported: suppressed ones do not use up the cap', () => {
    // 1,200 rules, the first 300 suppressed by a directive on the line before each: 900 left.
    const rules = Array.from({ length: 1200 }, (_, i) => `-A POSTROUTING -s 10.${i >> 8}.${i & 255}.0/24 -j MASQUERADE`);
    const text = `*nat\n:POSTROUTING ACCEPT [0:0]\n${rules.map((r, i) => (i < 300 ? `# kube-netlint-disable-next-line ${MASQ}\n${r}` : r)).join('\n')}\nCOMMIT\n`;
    const masq = of(lint(text).reports, MASQ);
    assert.equal(masq.length, 900);
    assert.ok(masq.every((r) => !/not shown/.test(r.message)));
  });

  it('caps parse problems (rules under parse/*) the same way', () => {
    const { doc } = lint('*nat\nCOMMIT\n');
    const problems = Array.from({ length: 3000 }, (_, i) => ({ code: 'parse/iptables-syntax', message: `problem ${i}`, span: { start: i % 5, end: (i % 5) + 1 } }));
    const flooded = { ...doc, model: Object.assign(Object.create(Object.getPrototypeOf(doc.model) as object) as object, doc.model, { problems }) } as ParsedDocument;
    const reports = of(lintDocument(flooded, createSnapshot('/node', [flooded], {}), DEFAULT_SETTINGS), 'parse/iptables-syntax');
    assert.equal(reports.length, 1001);
    assert.equal(reports.filter((r) => r.message.startsWith('2,000 more parse/iptables-syntax findings')).length, 1);
  });
});

describe('findings cap in the CLI and the editor alike', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kn-cap-'));
  const file = join(dir, 'iptables-save.txt');
  const text = masqueradeDump(1800);
  writeFileSync(file, text);
  let client: TestClient | undefined;
  after(() => client?.kill());

  it('the CLI prints 1,000 findings of the rule and the summary', () => {
    let out = '';
    run(['check', '--format', 'json', dir], (s) => (out += s), () => undefined);
    const findings = (JSON.parse(out) as { findings: { rule: string; message: string; range: { start: { line: number } } }[] }).findings.filter((f) => f.rule === MASQ);
    assert.equal(findings.length, 1001);
    const summary = findings.filter((f) => f.message.startsWith(`800 more ${MASQ} findings`));
    assert.equal(summary.length, 1);
    assert.equal(summary[0]!.range.start.line, 1002);
  });

  it('the language server publishes the same', async () => {
    client = new TestClient();
    await client.connection.sendRequest('initialize', { processId: null, rootUri: null, capabilities: {} });
    await client.connection.sendNotification('initialized', {});
    const uri = pathToFileURL(file).toString();
    await client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'iptables', version: 1, text } });
    const p = await client.waitForDiagnostics(uri, (d) => d.diagnostics.length > 0);
    const masq = p.diagnostics.filter((d) => d.code === MASQ);
    assert.equal(masq.length, 1001);
    const summary = masq.filter((d) => String(d.message).startsWith(`800 more ${MASQ} findings`));
    assert.equal(summary.length, 1);
    assert.equal(summary[0]!.range.start.line, 1002);
  });
});
