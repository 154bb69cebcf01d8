import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { compareVersions, MAX_VERSION_LENGTH, parseVersion } from '../../server/src/core/version';

describe('parseVersion', () => {
  it('reads the versions dumps and image tags carry', () => {
    const table: [string, number[], string][] = [
      ['5.4.0-107-generic', [5, 4, 0], '-107-generic'],
      ['v1.29.3', [1, 29, 3], ''],
      ['  1.8.7\n', [1, 8, 7], ''],
      ['3.10.0-1127.8.2.el7.x86_64', [3, 10, 0], '-1127.8.2.el7.x86_64'],
      ['1.29.', [1, 29], '.'],
      ['6', [6], ''],
      ['v1.28.2-gke.1157000', [1, 28, 2], '-gke.1157000'],
    ];
    for (const [text, parts, suffix] of table) {
      const v = parseVersion(text);
      assert.deepEqual(v?.parts, parts, text);
      assert.equal(v?.suffix, suffix, text);
      assert.equal(v?.text, text.trim(), text);
    }
  });

  it('refuses what is not a version', () => {
    for (const text of ['', '   ', 'v', 'vv1', 'latest', '.5', '-1.2']) assert.equal(parseVersion(text), undefined, JSON.stringify(text));
  });

  it('refuses a hostile osrelease of five million "5." without overflowing the stack (the regex backtracked through it)', () => {
    assert.equal(parseVersion('5.'.repeat(5_000_000)), undefined);
    assert.equal(parseVersion(`${' '.repeat(10_000_000)}5.4`), undefined);
    const longest = `5.${'1'.repeat(MAX_VERSION_LENGTH - 2)}`;
    assert.equal(parseVersion(longest)?.parts.length, 2);
    assert.equal(parseVersion(`${longest}0`), undefined);
  });

  it('compares without spreading the parts into Math.max', () => {
    const many = Array.from({ length: 300_000 }, () => 1);
    assert.equal(compareVersions(many, [1, 1]), 1);
    assert.equal(compareVersions([5, 4], [5, 4, 0]), 0);
    assert.equal(compareVersions(parseVersion('5.4.0-1')!, [5, 10]), -1);
  });
});
