import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseDocument } from '../../server/src/node/document';
import type { Report } from '../../server/src/engine/lint';
import { remediationScript } from '../../server/src/engine/remediation';

const doc = parseDocument({ uri: 'n/ethtool.txt', path: 'n/ethtool.txt', text: 'Features for flannel.1:\ntx-checksum-ip-generic: on\n' });
const report = (ruleId: string, script: string, start: number): Report => ({
  ruleId,
  title: 't',
  severity: 'warning',
  message: 'm',
  span: { start, end: start + 1 },
  related: [],
  fixes: [{ kind: 'command', title: `Fix ${ruleId}`, script }, { kind: 'edit', title: 'edit', edits: [], safe: true }],
  docsUrl: 'u',
});

describe('remediation script', () => {
  it('lists each command once, in finding order, under the finding that suggests it', () => {
    const script = remediationScript('node-a', [
      { document: doc, reports: [report('a/one', 'ethtool -K flannel.1 tx-checksum-ip-generic off', 24), report('a/two', 'ethtool -K flannel.1 tx-checksum-ip-generic off', 25), report('b/three', 'sysctl -w net.ipv4.ip_forward=1', 0)] },
    ]);
    assert.equal(
      script,
      [
        '#!/bin/sh',
        '# kube-netlint remediation script for node node-a',
        '# Review every step before running it on the node; each is preceded by the finding that suggests it.',
        'set -eu',
        '',
        '# 1. a/one (n/ethtool.txt:2)',
        '#    Fix a/one',
        'ethtool -K flannel.1 tx-checksum-ip-generic off',
        '',
        '# 2. b/three (n/ethtool.txt:1)',
        '#    Fix b/three',
        'sysctl -w net.ipv4.ip_forward=1',
        '',
      ].join('\n'),
    );
  });

  it('says so when there is nothing to run', () => {
    assert.match(remediationScript('n', [{ document: doc, reports: [] }]), /# Nothing to run/);
  });
});
