import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { parseAllDocuments } from 'yaml';
import { lintDocument, type Report } from '../../server/src/engine/lint';
import { findSuppressions, suppressionInsert } from '../../server/src/engine/suppressions';
import { LineIndex } from '../../server/src/core/lineIndex';
import type { DocumentKind } from '../../server/src/formats/kind';
import { codeActions } from '../../server/src/lsp/codeActions';
import { toDiagnostic } from '../../server/src/lsp/convert';
import { parseDocument, type ParsedDocument } from '../../server/src/node/document';
import { DEFAULT_SETTINGS } from '../../server/src/node/settings';
import { createSnapshot } from '../../server/src/node/snapshot';

describe('inline suppressions', () => {
  it('disable-next-line covers the next non-comment line only, for the rules named', () => {
    const s = findSuppressions('# kube-netlint-disable-next-line a/b, c/d\n# another comment\n-A X\n-A Y\n');
    assert.equal(s.isSuppressed('a/b', 2), true);
    assert.equal(s.isSuppressed('c/d', 2), true);
    assert.equal(s.isSuppressed('e/f', 2), false);
    assert.equal(s.isSuppressed('a/b', 3), false);
  });

  it('disable without rule ids covers every rule; file-wide disable covers every line', () => {
    const s = findSuppressions('x\n; kube-netlint-disable-next-line\ny\n');
    assert.equal(s.isSuppressed('any/rule', 2), true);
    const f = findSuppressions('# kube-netlint-disable a/b\nx\ny\n');
    assert.equal(f.isSuppressed('a/b', 2), true);
    assert.equal(f.isSuppressed('c/d', 2), false);
  });

  it('a directive trailing a YAML value applies to the next line, not its own', () => {
    const s = findSuppressions('spec: # kube-netlint-disable-next-line a/b\n  type: NodePort\n');
    assert.equal(s.isSuppressed('a/b', 0), false);
    assert.equal(s.isSuppressed('a/b', 1), true);
  });

  it('handles CRLF', () => {
    const s = findSuppressions('# kube-netlint-disable-next-line a/b\r\n-A X\r\n');
    assert.equal(s.isSuppressed('a/b', 1), true);
  });
});

describe('"Disable RULE for this line": where the directive goes, byte for byte, and that it works', () => {
  const FLANNEL = readFileSync('/work/shared/fixtures/real/manifests/flannel/flannel-v0.28.9-latest.yml', 'utf8');
  const VXLAN = 'flannel/vxlan-where-host-gw-works';
  const EOLS: [string, string][] = [['LF', '\n'], ['CRLF', '\r\n'], ['CR', '\r']];

  function lintText(text: string, kind: DocumentKind): { doc: ParsedDocument; reports: Report[] } {
    const doc = parseDocument({ uri: 'file:///node/doc', path: '/node/doc', text, kind });
    return { doc, reports: lintDocument(doc, createSnapshot('/node', [doc], {}), DEFAULT_SETTINGS) };
  }

  /** Runs the code action on the first finding of `ruleId` and returns its title and the edited text. */
  function disable(text: string, kind: DocumentKind, ruleId: string, nth = 0): { title: string; fixed: string } {
    const { doc, reports } = lintText(text, kind);
    const report = reports.filter((r) => r.ruleId === ruleId)[nth];
    assert.ok(report, `expected a ${ruleId} finding`);
    const diagnostic = toDiagnostic(doc, report, 1, reports.indexOf(report));
    const actions = codeActions(doc, 1, { textDocument: { uri: doc.uri }, range: diagnostic.range, context: { diagnostics: [diagnostic] } }, reports);
    const action = actions.find((a) => a.title.startsWith(`Disable ${ruleId}`));
    assert.ok(action, `no disable action among ${actions.map((a) => a.title).join(', ')}`);
    const edits = action.edit!.changes![doc.uri]!;
    return { title: action.title, fixed: TextDocument.applyEdits(TextDocument.create(doc.uri, 'x', 1, text), edits) };
  }

  for (const [name, eol] of EOLS) {
    it(`puts it above flannel's net-conf.json key with the file's line break (${name}); the directive covers the whole block`, () => {
      const text = FLANNEL.replace(/\n/g, eol);
      const lines = new LineIndex(text);
      const vxlanLine = FLANNEL.split('\n').findIndex((l) => l.includes('"Type": "vxlan"'));
      const insert = suppressionInsert(text, lines, 'k8s', vxlanLine, VXLAN)!;
      const fixed = text.slice(0, insert.offset) + insert.newText + text.slice(insert.offset);
      const key = `  net-conf.json: |${eol}`;
      assert.equal(fixed, text.replace(key, `  # kube-netlint-disable-next-line ${VXLAN}${eol}${key}`));
      const s = findSuppressions(fixed, 'k8s');
      // The directive is on the key's old line; the JSON lines moved down by one.
      for (let l = vxlanLine - 4; l <= vxlanLine + 3; l++) assert.equal(s.isSuppressed(VXLAN, l), true, `line ${l}`);
      assert.equal(s.isSuppressed(VXLAN, vxlanLine + 4), false, 'the next document (---) is not covered');
    });
  }

  // The k8s reader finds no YAML in CR-only files (the yaml library knows no lone-CR line break),
  // so the end-to-end check through the real finding runs for LF and CRLF.
  for (const [name, eol] of EOLS.filter(([n]) => n !== 'CR')) {
    it(`puts it above flannel's net-conf.json key, not inside the embedded JSON (${name})`, () => {
      const text = FLANNEL.replace(/\n/g, eol);
      const { title, fixed } = disable(text, 'k8s', VXLAN);
      assert.equal(title, `Disable ${VXLAN} for this YAML block`);
      const key = `  net-conf.json: |${eol}`;
      assert.equal(fixed, text.replace(key, `  # kube-netlint-disable-next-line ${VXLAN}${eol}${key}`));
      // The embedded JSON is still JSON, the file parses as before, the finding is gone and only it.
      const configMap = parseAllDocuments(fixed.replace(/\r\n?/g, '\n')).map((d) => d.toJS() as { data?: Record<string, string> }).find((d) => d?.data?.['net-conf.json']);
      assert.deepEqual(JSON.parse(configMap!.data!['net-conf.json']!), { Network: '10.244.0.0/16', EnableNFTables: false, Backend: { Type: 'vxlan' } });
      const before = lintText(text, 'k8s');
      const after = lintText(fixed, 'k8s');
      assert.equal(after.doc.model.problems.length, before.doc.model.problems.length);
      assert.deepEqual(after.reports.map((r) => r.ruleId), before.reports.map((r) => r.ruleId).filter((id) => id !== VXLAN));
    });

  }

  for (const [name, eol] of EOLS) {
    it(`uses the document's own line break in an iptables dump (${name})`, () => {
      const text = ['*nat', ':POSTROUTING ACCEPT [0:0]', '-A POSTROUTING -s 10.244.0.0/16 -j MASQUERADE', 'COMMIT', ''].join(eol);
      const rule = 'iptables/masquerade-without-random-fully';
      const { fixed } = disable(text, 'iptables', rule);
      assert.equal(fixed, ['*nat', ':POSTROUTING ACCEPT [0:0]', `# kube-netlint-disable-next-line ${rule}`, '-A POSTROUTING -s 10.244.0.0/16 -j MASQUERADE', 'COMMIT', ''].join(eol));
      const after = lintText(fixed, 'iptables');
      assert.deepEqual(after.reports.filter((r) => r.ruleId === rule || r.ruleId.startsWith('parse/')), []);
    });
  }

  it('covers every line of the block with one directive above its key, and nothing after the block', () => {
    const s = findSuppressions('data:\n  # kube-netlint-disable-next-line a/b\n  conf: |\n    {\n\n      "x": 1\n    }\n  other: 1\n', 'k8s');
    for (const line of [2, 3, 4, 5, 6]) assert.equal(s.isSuppressed('a/b', line), true, `line ${line}`);
    assert.equal(s.isSuppressed('a/b', 7), false);
    // Not in formats without block scalars.
    assert.equal(findSuppressions('# kube-netlint-disable-next-line a/b\nkey: |\n  x\n', 'sysctl').isSuppressed('a/b', 2), false);
  });

  it('keeps a UTF-8 byte order mark at the start of the file, before the directive', () => {
    const text = '\uFEFF*nat\n-A POSTROUTING -j MASQUERADE\n';
    const rule = 'parse/iptables-syntax';
    const insert = suppressionInsert(text, new LineIndex(text), 'iptables', 0, rule)!;
    const fixed = text.slice(0, insert.offset) + insert.newText + text.slice(insert.offset);
    assert.equal(fixed, `\uFEFF# kube-netlint-disable-next-line ${rule}\n*nat\n-A POSTROUTING -j MASQUERADE\n`);
    assert.equal(findSuppressions(fixed, 'iptables').isSuppressed(rule, 1), true);
  });

  it('disables parse/k8s-yaml on a tab-indented line (the directive keeps the tab; the other tab lines still report)', () => {
    const text = 'apiVersion: v1\nkind: Service\nmetadata:\n\tname: x\n\tnamespace: y\nspec:\n  type: ClusterIP\n';
    const lines = (t: string): number[] => { const r = lintText(t, 'k8s'); return r.reports.filter((x) => x.ruleId === 'parse/k8s-yaml').map((x) => r.doc.lines.positionAt(x.span.start).line); };
    assert.deepEqual(lines(text), [3, 4]);
    const { fixed } = disable(text, 'k8s', 'parse/k8s-yaml');
    assert.equal(fixed, 'apiVersion: v1\nkind: Service\nmetadata:\n\t# kube-netlint-disable-next-line parse/k8s-yaml\n\tname: x\n\tnamespace: y\nspec:\n  type: ClusterIP\n');
    assert.deepEqual(lines(fixed), [5]);
  });
});
