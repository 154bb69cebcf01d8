import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseDocument } from '../../server/src/node/document';
import type { Report } from '../../server/src/engine/lint';
import { remediationScript } from '../../server/src/engine/remediation';
import type { CommandFix } from '../../server/src/rules/rule';

const doc = parseDocument({ uri: 'n/ethtool.txt', path: 'n/ethtool.txt', text: 'Features for flannel.1:\ntx-checksum-ip-generic: on\n' });
const report = (ruleId: string, fix: CommandFix, start: number): Report => ({
  ruleId,
  title: 't',
  severity: 'warning',
  message: 'm',
  span: { start, end: start + 1 },
  related: [],
  fixes: [fix, { kind: 'edit', title: 'edit', edits: [], safe: true }],
  docsUrl: 'u',
});
const safe = (title: string, ...argv: [string, ...string[]]): CommandFix => ({ kind: 'command', title, steps: [{ kind: 'run', pipeline: [argv] }], safe: true });

describe('remediation script', () => {
  it('lists each command once, in finding order, under the finding that suggests it', () => {
    const script = remediationScript({ name: 'node-a' }, [
      {
        document: doc,
        reports: [
          report('a/one', safe('Fix a/one', 'ethtool', '-K', 'flannel.1', 'tx-checksum-ip-generic', 'off'), 24),
          report('a/two', safe('Fix a/one', 'ethtool', '-K', 'flannel.1', 'tx-checksum-ip-generic', 'off'), 25),
          report('b/three', safe('Fix b/three', 'sysctl', '-w', 'net.ipv4.ip_forward=1'), 0),
        ],
      },
    ]);
    assert.equal(
      script,
      [
        '#!/bin/sh',
        '# kube-netlint remediation script for node node-a',
        '# Review every step before running it on the node; each is preceded by the finding that suggests it.',
        '# Steps marked NEEDS REVIEW are commented out: they delete or replace state, or rest on evidence the dump cannot prove.',
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

  it('writes a fix that needs review commented out, under its reason', () => {
    const destructive: CommandFix = {
      kind: 'command',
      title: 'Delete the copy',
      steps: [
        { kind: 'note', text: 'check first' },
        { kind: 'run', pipeline: [['iptables', '-t', 'filter', '-D', 'FORWARD', '10']] },
      ],
      safe: false,
      review: 'positions come from a snapshot',
    };
    const script = remediationScript({ name: 'n' }, [{ document: doc, reports: [report('iptables/duplicate-rule', destructive, 0)] }]);
    assert.match(script, /^# {4}NEEDS REVIEW, not run: positions come from a snapshot\.$/m);
    assert.match(script, /^# {3}iptables -t filter -D FORWARD 10$/m);
    assert.doesNotMatch(script, /^iptables/m, 'nothing destructive runs');
    assert.match(script, /^# 1 of 1 steps need review and are commented out above\.$/m);
  });

  it('keeps node and file names with line breaks inside their comment lines', () => {
    const evil = parseDocument({ uri: 'x', path: 'n\ntouch PWNED\n/ethtool.txt', text: 'Features for flannel.1:\n' });
    const script = remediationScript({ name: 'node\rname\ntouch PWNED' }, [{ document: evil, reports: [report('a/one', safe('t\nrm -rf /', 'true'), 0)] }]);
    for (const line of script.split('\n')) assert.ok(line === '' || line.startsWith('#') || line === 'set -eu' || line === 'true', `unexpected line ${JSON.stringify(line)}`);
    assert.match(script, /node\\x0dname\\x0atouch PWNED/);
  });

  it('names each file by its path in the node folder, never the folder above it', () => {
    const deep = parseDocument({ uri: 'file:///home/alice/cases/n1/ethtool.txt', path: '/home/alice/cases/n1/ethtool.txt', text: 'Features for flannel.1:\n' });
    const fix = safe('Fix', 'ethtool', '-K', 'flannel.1', 'tx-checksum-ip-generic', 'off');
    const script = remediationScript({ name: 'n1', root: '/home/alice/cases/n1' }, [{ document: deep, reports: [report('a/one', fix, 0)] }]);
    assert.match(script, /^# 1\. a\/one \(ethtool\.txt:1\)$/m);
    assert.doesNotMatch(script, /alice/);
  });

  it('says so when there is nothing to run', () => {
    assert.match(remediationScript({ name: 'n' }, [{ document: doc, reports: [] }]), /# Nothing to run/);
  });
});
