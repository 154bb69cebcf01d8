import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { applyEdits, expectFindings, expectMessage, onlyEditFix } from '../../helpers/ruleTester';
import { fixture, lintExample, onlyCommand, reportsOf } from './support';
import { scriptOf } from '../../helpers/commandFix';

const RULE = 'sysctl/tcp-tw-recycle';
const FIND = 'grep -rn tcp_tw_recycle /etc/sysctl.conf /etc/sysctl.d/ /run/sysctl.d/ /usr/lib/sysctl.d/ 2>/dev/null || true';

describe(RULE, () => {
  it('is an error in a dump of a kernel that still has it (before 4.12), with a command fix', () => {
    const [r] = expectFindings([RULE], `kernel.osrelease = 4.4.0-210-generic\nnet.ipv4.tcp_tw_recycle = 1\n^^^^^^^^^^^^^^^^^^^^^^^^^^^ ${RULE}\n`, { path: 'node/sysctl-a.txt' });
    assert.equal(r!.severity, 'error');
    expectMessage(r, 'onOldKernel', { key: 'net.ipv4.tcp_tw_recycle', value: '1' });
    assert.match(r!.message, /behind NAT/);
    assert.equal(
      scriptOf(onlyCommand(r!)),
      [
        '# tcp_tw_recycle drops SYNs whose TCP timestamp is older than the last one seen from the same address; behind NAT (every SNATed pod, every load balancer) unrelated clients share an address with unrelated timestamp clocks, so their connections silently fail.',
        'sysctl -w net.ipv4.tcp_tw_recycle=0',
        '# And delete the line that sets it from the file this prints, so a reboot does not turn it on again:',
        FIND,
      ].join('\n'),
    );
  });

  it('is an error in a file on a known old kernel, and a warning (kernel named unknown) when the kernel is unknown', () => {
    const annotated = `net.ipv4.tcp_tw_recycle=1\n^^^^^^^^^^^^^^^^^^^^^^^^^ ${RULE}\n`;
    const [old] = expectFindings([RULE], annotated, { path: 'node/sysctl.conf', settings: { facts: { kernelVersion: '4.9.0' } } });
    assert.equal(old!.severity, 'error');
    expectMessage(old, 'onInFile', { kernel: '4.9.0 (from setting kernelVersion)' });
    const [unknown] = expectFindings([RULE], annotated, { path: 'node/sysctl.conf' });
    assert.equal(unknown!.severity, 'warning');
    expectMessage(unknown, 'onInFileKernelUnknown');
  });

  it('is a hint in a file on kernel 4.12 or later (the key is gone), and the fix deletes the whole line byte for byte', () => {
    const text = '# old tuning\r\nnet.ipv4.tcp_tw_recycle = 0\r\nnet.ipv4.tcp_tw_reuse = 1\r\n';
    const opts = { path: 'node/sysctl.conf', node: [{ path: 'node/uname-r.txt', text: '5.4.0-107-generic\n' }] };
    expectFindings([RULE], `# old tuning\nnet.ipv4.tcp_tw_recycle = 0\n^^^^^^^^^^^^^^^^^^^^^^^^^^^ ${RULE}\nnet.ipv4.tcp_tw_reuse = 1\n`, opts);
    const [r] = reportsOf(RULE, text, opts);
    assert.equal(r!.severity, 'hint');
    assert.equal(r!.related[0]?.document.path, 'node/uname-r.txt');
    const fixed = applyEdits(text, onlyEditFix(r!).edits);
    assert.equal(fixed, '# old tuning\r\nnet.ipv4.tcp_tw_reuse = 1\r\n');
    assert.equal(reportsOf(RULE, fixed, opts).length, 0);
    // The last line without a line break: the break before it goes with it.
    const last = 'vm.swappiness = 10\nnet.ipv4.tcp_tw_recycle = 1';
    const [l] = reportsOf(RULE, last, opts);
    assert.equal(applyEdits(last, onlyEditFix(l!).edits), 'vm.swappiness = 10');
  });

  it('hints at the "cannot stat" error of sysctl --system that a leftover file causes', () => {
    const [r] = expectFindings(
      [RULE],
      `* Applying /etc/sysctl.conf ...
sysctl: cannot stat /proc/sys/net/ipv4/tcp_tw_recycle: No such file or directory
                    ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ ${RULE}
net.ipv4.tcp_fin_timeout = 30
`,
      { path: 'node/sysctl-system.txt' },
    );
    assert.equal(r!.severity, 'hint');
    assert.equal(scriptOf(onlyCommand(r!)), `# Delete the tcp_tw_recycle line from the file this prints (the key was removed in Linux 4.12):\n${FIND}`);
  });

  it('does not fire on 0 where the kernel may honour it, without the key, or on the real fixtures and examples', () => {
    expectFindings([RULE], 'net.ipv4.tcp_tw_recycle = 0\n', { path: 'node/sysctl-a.txt' });
    expectFindings([RULE], 'net.ipv4.tcp_tw_recycle = 0\n', { path: 'node/sysctl.conf' });
    expectFindings([RULE], 'net.ipv4.tcp_tw_reuse = 1\n', { path: 'node/sysctl.conf', settings: { facts: { kernelVersion: '6.1.0' } } });
    expectFindings([RULE], fixture('sysctl/sysctl-system-procps-4.0.2-real.txt'), { path: 'node/sysctl-system.txt' });
    assert.equal(lintExample('healthy-node', 'sysctl-a.txt').filter((r) => r.ruleId === RULE).length, 0);
  });
});
