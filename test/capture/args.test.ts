import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseArgs } from '../../server/src/cli/args';
import { run } from '../../server/src/cli/main';

describe('kube-netlint collect arguments', () => {
  it('reads the collect options and the check options --check passes on', () => {
    assert.deepEqual(parseArgs(['collect', '--out', 'n1', '--netns=knl', '--max-conntrack', '500', '--timeout', '5', '--check', '--force', '--kernel', '5.4.0-26-generic', '--format', 'json']), {
      command: 'collect',
      args: { out: 'n1', netns: 'knl', maxConntrack: 500, timeoutSeconds: 5, check: true, force: true, checkArgs: { format: 'json', kernel: '5.4.0-26-generic' } },
    });
    assert.deepEqual(parseArgs(['collect']), { command: 'collect', args: { check: false, force: false, checkArgs: { format: 'text' } } });
  });

  it('refuses what it cannot honour, with a message', () => {
    const cases: [string[], RegExp][] = [
      [['collect', 'DIR'], /no PATH/],
      [['collect', '--max-conntrack', '0'], /--max-conntrack expects a whole number/],
      [['collect', '--timeout', '1e3'], /--timeout expects a whole number/],
      [['collect', '--kernel', 'latest'], /--kernel expects a version/],
      [['collect', '--format', 'html'], /--format must be/],
      [['collect', '--out'], /needs a value/],
      [['collect', '--check=yes'], /unknown option/],
    ];
    for (const [argv, re] of cases) {
      const r = parseArgs(argv);
      assert.equal(r.command, 'error', argv.join(' '));
      if (r.command === 'error') assert.match(r.message, re, argv.join(' '));
    }
  });

  it('is listed in the usage text', () => {
    let out = '';
    assert.equal(run(['--help'], (s) => (out += s), () => {}), 0);
    assert.match(out, /kube-netlint collect \[--out DIR\] \[--netns NAME\] \[--max-conntrack N\] \[--timeout SECONDS\] \[--force\]/);
  });
});
