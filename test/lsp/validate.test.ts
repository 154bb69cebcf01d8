import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { invalidParams } from '../../server/src/lsp/validate';

const uri = 'file:///tmp/node/iptables-save.txt';
const range = { start: { line: 0, character: 0 }, end: { line: 1, character: 2 } };

describe('incoming message validation (lsp/validate.ts)', () => {
  it('accepts well-formed params, with extra fields and huge positions', () => {
    assert.equal(invalidParams('textDocument/didOpen', { textDocument: { uri, languageId: 'iptables', version: 1, text: '', extra: true } }), undefined);
    assert.equal(invalidParams('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ range, text: 'x' }, { text: 'all' }] }), undefined);
    assert.equal(invalidParams('textDocument/hover', { textDocument: { uri: 'untitled:Untitled-1' }, position: { line: 2 ** 31 - 1, character: 2 ** 31 - 1 } }), undefined);
    assert.equal(invalidParams('initialize', { processId: null, rootUri: null, capabilities: {} }), undefined);
    assert.equal(invalidParams('shutdown', undefined), undefined);
  });

  it('names the bad field', () => {
    assert.equal(invalidParams('textDocument/didOpen', { textDocument: { uri, languageId: 'iptables', version: 1 } }), 'params.textDocument.text must be a string');
    assert.equal(invalidParams('textDocument/didOpen', { textDocument: { uri: 42 } }), 'params.textDocument.uri must be a string');
    assert.equal(invalidParams('textDocument/hover', { textDocument: { uri }, position: { line: -1, character: 0 } }), 'params.position.line must be an integer in 0..2^31-1');
    assert.equal(invalidParams('textDocument/didOpen', { textDocument: { uri: 'file://elsewhere/x', languageId: 'x', version: 1, text: '' } }), 'params.textDocument.uri is not a local file URI');
    assert.equal(invalidParams('textDocument/didOpen', { textDocument: { uri: 'not a uri', languageId: 'x', version: 1, text: '' } }), 'params.textDocument.uri is not a URI');
  });

  it('rejects a change that is neither incremental nor full text (a broken range must not pass as full text)', () => {
    const p = invalidParams('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ range: 'x', text: 'y' }] });
    assert.match(p ?? '', /params\.contentChanges\[0\]\.range must be an object, or params\.contentChanges\[0\]\.range must be absent/);
  });

  it('leaves methods it does not know to the protocol library', () => {
    assert.equal(invalidParams('kube-netlint/anything', 5), undefined);
    assert.equal(invalidParams('toString', 5), undefined);
  });
});
