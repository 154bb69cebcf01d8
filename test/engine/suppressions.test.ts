import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { findSuppressions } from '../../server/src/engine/suppressions';

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
