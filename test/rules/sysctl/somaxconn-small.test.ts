import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { applyEdits, expectFindings, expectMessage, onlyEditFix } from '../../helpers/ruleTester';
import { fixture, lintExample, onlyCommand, reportsOf } from './support';
import { scriptOf } from '../../helpers/commandFix';

const RULE = 'sysctl/somaxconn-small';

describe(RULE, () => {
  it('fires on the pre-5.4 default of 128 in a dump, naming the kernel, with a command fix', () => {
    const [r] = expectFindings([RULE], `kernel.osrelease = 4.19.0-17-amd64\nnet.core.somaxconn = 128\n^^^^^^^^^^^^^^^^^^^^^^^^ ${RULE}\n`, { path: 'node/sysctl-a.txt' });
    assert.equal(r!.severity, 'info');
    expectMessage(r, 'oldKernelDefault', { value: 128 });
    assert.match(String(r!.data!.kernel), /^4\.19\.0-17-amd64/);
    assert.equal(
      scriptOf(onlyCommand(r!)),
      [
        '# A larger accept-queue cap keeps bursts of new connections from being dropped.',
        'sysctl -w net.core.somaxconn=4096',
        '# Persist it (applied at boot and by `sysctl --system`; a file read later, such as /etc/sysctl.conf, must not set it back):',
        "printf '%s\\n' 'net.core.somaxconn = 4096' | tee /etc/sysctl.d/90-somaxconn.conf >/dev/null",
      ].join('\n'),
    );
  });

  it('says 128 may be the old default when the kernel is unknown, and that something set it on a 5.4+ kernel', () => {
    const [u] = expectFindings([RULE], `net.core.somaxconn = 128\n^^^^^^^^^^^^^^^^^^^^^^^^ ${RULE}\n`, { path: 'node/sysctl-a.txt' });
    expectMessage(u, 'oldKernelDefaultKernelUnknown');
    const [n] = expectFindings([RULE], `kernel.osrelease = 6.1.0\nnet.core.somaxconn = 128\n^^^^^^^^^^^^^^^^^^^^^^^^ ${RULE}\n`, { path: 'node/sysctl-a.txt' });
    expectMessage(n, 'setSmall');
  });

  it('fires on an old-style 1024 in a conf file (it lowers the 5.4+ default) and edits it byte for byte', () => {
    const text = '# web tuning\r\nnet.core.somaxconn = 1024\r\n';
    expectFindings([RULE], `# web tuning\nnet.core.somaxconn = 1024\n^^^^^^^^^^^^^^^^^^^^^^^^^ ${RULE}\n`, { path: 'node/sysctl.conf' });
    const [r] = reportsOf(RULE, text, { path: 'node/sysctl.conf' });
    expectMessage(r, 'smallInFile', { modernDefault: 4096 });
    const fixed = applyEdits(text, onlyEditFix(r!).edits);
    assert.equal(fixed, '# web tuning\r\nnet.core.somaxconn = 4096\r\n');
    assert.equal(reportsOf(RULE, fixed, { path: 'node/sysctl.conf' }).length, 0);
  });

  it('hints at a SYN backlog below a raised somaxconn', () => {
    const text = 'net.core.somaxconn = 65535\nnet.ipv4.tcp_max_syn_backlog = 2048\n';
    const [r] = expectFindings([RULE], `${text}^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ ${RULE}\n`, { path: 'node/99-net.conf' });
    assert.equal(r!.severity, 'hint');
    const fixed = applyEdits(text, onlyEditFix(r!).edits);
    assert.equal(fixed, 'net.core.somaxconn = 65535\nnet.ipv4.tcp_max_syn_backlog = 65535\n');
    assert.equal(reportsOf(RULE, fixed, { path: 'node/99-net.conf' }).length, 0);
    const [d] = expectFindings([RULE], `net.core.somaxconn = 8192\nnet.ipv4.tcp_max_syn_backlog = 1024\n^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ ${RULE}\n`, { path: 'node/sysctl-a.txt' });
    assert.match(scriptOf(onlyCommand(d!)), /sysctl -w net\.ipv4\.tcp_max_syn_backlog=8192\n.*\n.*tee \/etc\/sysctl\.d\/90-tcp-max-syn-backlog\.conf >\/dev\/null$/);
  });

  it('does not fire on kernel defaults (4096 with a memory-scaled SYN backlog) or the example nodes', () => {
    expectFindings([RULE], 'net.core.somaxconn = 4096\nnet.ipv4.tcp_max_syn_backlog = 2048\n', { path: 'node/sysctl-a.txt' });
    expectFindings([RULE], fixture('sysctl/sysctl-a-nonroot-procps-4.0.2-kernel-6.18-real.txt'), { path: 'node/sysctl-a.txt' });
    expectFindings([RULE], 'net.core.somaxconn = 4096\n', { path: 'node/k8s.conf' });
    assert.equal(lintExample('healthy-node', 'sysctl-a.txt').filter((r) => r.ruleId === RULE).length, 0);
  });
});
