import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { commandLine, commentLine, quoteWord, renderSteps } from '../../server/src/core/shell';
import { refusal } from '../../server/src/core/shellFields';

/** Runs `script` (text, passed to bash as UTF-8 with -c) and returns stdout. */
function bash(script: string): Buffer {
  const r = spawnSync('bash', ['-c', script], { input: '', maxBuffer: 64 * 1024 * 1024, env: { PATH: '/usr/bin:/bin', LC_ALL: 'C.UTF-8' } });
  assert.equal(r.status, 0, `bash failed: ${r.stderr.toString()}`);
  return r.stdout;
}

/** Runs a script given as bytes (so arbitrary non-UTF-8 bytes reach bash) and returns stdout. */
function bashBytes(script: Buffer): Buffer {
  const r = spawnSync('bash', ['-s'], { input: script, maxBuffer: 64 * 1024 * 1024, env: { PATH: '/usr/bin:/bin', LC_ALL: 'C.UTF-8' } });
  assert.equal(r.status, 0, `bash failed: ${r.stderr.toString()}`);
  return r.stdout;
}

const nulSeparated = (words: readonly Buffer[]): Buffer => Buffer.concat(words.flatMap((w) => [w, Buffer.from([0])]));
const wellFormed = (s: string): boolean => !s.includes('\0') && !/[\ud800-\udfff]/.test(s.replace(/[\ud800-\udbff][\udc00-\udfff]/g, ''));

describe('shell quoting (round trip through bash)', () => {
  it('gives bash back every argument exactly, for arbitrary Unicode text', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'binary', maxLength: 40 }).filter(wellFormed), { minLength: 1, maxLength: 30 }), (words) => {
        const line = commandLine(['printf', '%s\\0', ...words]);
        assert.ok(line !== undefined);
        assert.deepEqual(bash(line), nulSeparated(words.map((w) => Buffer.from(w, 'utf8'))));
      }),
      { seed: 11, numRuns: 150 },
    );
  });

  it('gives bash back every argument exactly, for arbitrary NUL-free bytes (not valid UTF-8)', () => {
    // Each byte is one latin1 character; the script is written as latin1 so bash reads the raw bytes.
    const byteWord = fc.uint8Array({ minLength: 0, maxLength: 40 }).map((a) => Buffer.from(a.filter((b) => b !== 0)).toString('latin1'));
    fc.assert(
      fc.property(fc.array(byteWord, { minLength: 1, maxLength: 30 }), (words) => {
        const line = commandLine(['printf', '%s\\0', ...words]);
        assert.ok(line !== undefined);
        assert.deepEqual(bashBytes(Buffer.from(`${line}\n`, 'latin1')), nulSeparated(words.map((w) => Buffer.from(w, 'latin1'))));
      }),
      { seed: 12, numRuns: 150 },
    );
  });

  it('passes the attack strings of issue 11 as inert arguments', () => {
    const attacks = ['KUBE-X$(touch${IFS}PWNED)', '`touch PWNED`', "'; touch PWNED; '", 'a\nb', "it's", '', '-', '~', '*', '$HOME', 'a b', '!x', '{a,b}', '\\'];
    const line = commandLine(['printf', '%s\\0', ...attacks])!;
    assert.deepEqual(bash(line), nulSeparated(attacks.map((w) => Buffer.from(w))));
    assert.equal(quoteWord("it's"), `'it'\\''s'`);
    assert.equal(quoteWord('10.0.0.1:80'), '10.0.0.1:80', 'plain words stay readable');
    assert.equal(quoteWord(''), "''");
  });

  it('quotes a program word that bash would read as an assignment or a reserved word', () => {
    assert.equal(commandLine(['if']), "'if'");
    assert.equal(commandLine(['A=1', 'x']), "'A=1' x");
    assert.equal(commandLine(['iptables', '-t', 'nat']), 'iptables -t nat');
  });

  it('withholds a command whose argument holds a NUL byte (no program can receive one)', () => {
    assert.equal(commandLine(['echo', 'a\0b']), undefined);
    assert.match(renderSteps([{ kind: 'run', pipeline: [['echo', 'a\0b']] }]), /^# \(a command was withheld/);
  });
});

describe('comment lines', () => {
  it('keep any text on one comment line that bash ignores', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'binary', maxLength: 60 }).filter(wellFormed), { minLength: 1, maxLength: 20 }), (texts) => {
        const script = `${texts.map(commentLine).join('\n')}\nprintf done`;
        assert.equal(script.split('\n').length, texts.length + 1, 'one line per comment');
        for (const l of script.split('\n').slice(0, -1)) assert.match(l, /^#/);
        assert.equal(bash(script).toString(), 'done');
      }),
      { seed: 13, numRuns: 100 },
    );
  });

  it('shows control characters and line separators as escapes', () => {
    assert.equal(commentLine('a\nb\rc\u2028d\u001b[31m'), '# a\\x0ab\\x0dc\\u2028d\\x1b[31m');
    assert.equal(commentLine(''), '#');
  });
});

describe('file writes', () => {
  it('write through printf | tee with every line quoted', () => {
    assert.equal(renderSteps([{ kind: 'write', path: '/etc/sysctl.d/90-x.conf', lines: ["a = 'b'", 'c'] }]), `printf '%s\\n' 'a = '\\''b'\\''' c | tee /etc/sysctl.d/90-x.conf >/dev/null`);
  });
});

describe('field checks', () => {
  const cases: [Parameters<typeof refusal>[0], string, boolean][] = [
    ['interface', 'flannel.1', true],
    ['interface', 'eth0', true],
    ['interface', 'a$(x)', true], // the kernel allows it; quoting keeps it inert
    ['interface', 'abcdefghijklmnop', false], // 16 bytes
    ['interface', 'a b', false],
    ['interface', 'a/b', false],
    ['interface', 'a:b', false],
    ['interface', '..', false],
    ['interface', '', false],
    ['interface', 'a\u00a0', false], // UTF-8 C2 A0: the kernel's isspace(0xA0)
    ['chain', 'KUBE-X$(touch${IFS}PWNED)', true], // iptables 1.8.9 accepts it (tried with -N)
    ['chain', 'A234567890123456789012345678', true],
    ['chain', 'A2345678901234567890123456789', false],
    ['chain', '-x', false],
    ['chain', '!x', false],
    ['chain', 'a\tb', false],
    ['chain', 'a\nb', false],
    ['hostPort', '10.0.0.1:80', true],
    ['hostPort', '[fd00::1]:443', true],
    ['hostPort', 'kubernetes.default:https', true],
    ['hostPort', '$(touch PWNED):6443', false],
    ['hostPort', '10.0.0.1', false],
    ['hostPort', '10.0.0.1:0', false],
    ['cidr', '10.244.0.0/16', true],
    ['cidr', 'fd00::/8', true],
    ['cidr', '10.244.0.0/33', false],
    ['cidr', '10.244.0.0/16;id', false],
    ['sysctlKey', 'net.ipv4.conf.eth0/100.rp_filter', true],
    ['sysctlKey', 'net.ipv4.ip_forward=1', false],
    ['sysctlKey', 'net.ipv4..x', false],
    ['sysctlKey', 'a b', false],
    ['sysctlValue', '4096 87380 6291456', true],
    ['sysctlValue', '1\n2', false],
    ['k8sName', 'kube-dns', true],
    ['k8sName', 'Kube DNS', false],
    ['ruleNumber', '3', true],
    ['ruleNumber', '0', false],
  ];
  for (const [field, value, ok] of cases) {
    it(`${ok ? 'accepts' : 'refuses'} ${JSON.stringify(value)} as ${field}`, () => {
      const r = refusal(field, value);
      if (ok) assert.equal(r, undefined);
      else assert.ok(r && r.length > 0);
    });
  }
});
