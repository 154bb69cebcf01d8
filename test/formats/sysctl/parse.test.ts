import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Span } from '../../../server/src/core/span';
import { effective, globMatches, kernelRelease, normaliseKey, occurrences, parseSysctl, type SysctlEntry, type SysctlModel } from '../../../server/src/formats/sysctl';
import { detectKind } from '../../../server/src/formats/detect';
import { assertGolden, assertSpansInside, collectSpans, readFixture, spanRenderer } from '../../helpers/golden';
import { applyMutation, mutation } from '../../helpers/mutations';

const at = (text: string, s: Span): string => text.slice(s.start, s.end);

/** Every located value reads back from the text exactly. */
function assertLocatedValuesExact(text: string, m: SysctlModel): void {
  for (const e of m.entries) {
    assert.equal(at(text, e.rawKey.span), e.rawKey.value);
    assert.equal(at(text, e.value.span), e.value.value);
    for (const p of e.parts) assert.equal(at(text, p.span), p.value);
    if (e.ignoreErrorsSpan) assert.equal(at(text, e.ignoreErrorsSpan), '-');
  }
  for (const c of m.comments) {
    assert.equal(at(text, c.text.span), c.text.value);
    assert.equal(text[c.span.start], c.marker);
  }
  for (const x of m.exclusions) assert.equal(at(text, x.rawKey.span), x.rawKey.value);
  for (const n of m.notes) {
    if (n.file) assert.equal(at(text, n.file.span), n.file.value);
    if (n.keySpan && n.kind !== 'cannot-stat') assert.equal(normaliseKey(at(text, n.keySpan)), n.key);
  }
}

describe('sysctl parser: specification', () => {
  it('reads key = value and key=value with exact key, value and line', () => {
    const text = 'net.ipv4.ip_forward = 1\nvm.swappiness=0\n';
    const m = parseSysctl(text);
    assert.deepEqual(m.problems, []);
    assert.deepEqual(
      m.entries.map((e) => [e.key, e.value.value, e.number, e.line, e.origin]),
      [
        ['net.ipv4.ip_forward', '1', 1, 0, 'sysctl'],
        ['vm.swappiness', '0', 0, 1, 'sysctl'],
      ],
    );
    const [fwd, swap] = m.entries as [SysctlEntry, SysctlEntry];
    assert.deepEqual(fwd.rawKey.span, { start: 0, end: 19 });
    assert.deepEqual(fwd.value.span, { start: 22, end: 23 });
    assert.deepEqual(fwd.span, { start: 0, end: 23 });
    assert.deepEqual(swap.rawKey.span, { start: 24, end: 37 });
    assert.deepEqual(swap.value.span, { start: 38, end: 39 });
  });

  it('locates each part of a tab-separated multi-value and keeps the raw value', () => {
    const text = 'net.ipv4.ip_local_port_range = 32768\t60999\n';
    const e = parseSysctl(text).entries[0]!;
    assert.equal(e.value.value, '32768\t60999');
    assert.deepEqual(e.parts.map((p) => [p.value, p.number, p.span.start, p.span.end]), [
      ['32768', 32768, 31, 36],
      ['60999', 60999, 37, 42],
    ]);
    assert.equal(e.number, undefined, 'a two-part value is not one number');
  });

  it('keeps inner spaces of a value as sysctl writes them (`/sbin/mod probe`)', () => {
    const text = '  kernel.modprobe = /sbin/mod probe  \n';
    const e = parseSysctl(text).entries[0]!;
    assert.equal(e.value.value, '/sbin/mod probe');
    assert.equal(at(text, e.rawKey.span), 'kernel.modprobe');
    assert.equal(e.rawKey.span.start, 2);
    assert.deepEqual(e.parts.map((p) => p.value), ['/sbin/mod', 'probe']);
  });

  it('normalises slash keys to the dotted form sysctl -a prints, keeping the raw key span', () => {
    assert.equal(normaliseKey('net/ipv4/ip_forward'), 'net.ipv4.ip_forward');
    assert.equal(normaliseKey('net/ipv4/conf/eth0.100/rp_filter'), 'net.ipv4.conf.eth0/100.rp_filter');
    assert.equal(normaliseKey('net.ipv4.conf.eth0/100.rp_filter'), 'net.ipv4.conf.eth0/100.rp_filter');
    const text = 'net/ipv4/conf/all/rp_filter = 1\n';
    const e = parseSysctl(text).entries[0]!;
    assert.equal(e.key, 'net.ipv4.conf.all.rp_filter');
    assert.equal(e.rawKey.value, 'net/ipv4/conf/all/rp_filter');
    assert.deepEqual(e.rawKey.span, { start: 0, end: 27 });
  });

  it('records # and ; comments with spans and attaches the comment directly above an entry', () => {
    const text = '# kube-netlint-disable-next-line sysctl/ip-forward-disabled\nnet.ipv4.ip_forward = 0\n\n  ; old\n#\n';
    const m = parseSysctl(text);
    assert.deepEqual(m.comments.map((c) => [c.marker, c.text.value, c.line, at(text, c.span)]), [
      ['#', 'kube-netlint-disable-next-line sysctl/ip-forward-disabled', 0, '# kube-netlint-disable-next-line sysctl/ip-forward-disabled'],
      [';', 'old', 3, '; old'],
      ['#', '', 4, '#'],
    ]);
    assert.equal(m.entries[0]!.comment?.line, 0);
    assert.equal(m.comments[0]!.text.span.start, 2);
  });

  it('reads the - prefix as ignore-errors and a bare -key as a glob exclusion', () => {
    const text = '-net.ipv4.ping_group_range = 0 2147483647\nnet.ipv4.conf.*.rp_filter = 2\n-net.ipv4.conf.lo.rp_filter\n';
    const m = parseSysctl(text);
    assert.deepEqual(m.problems, []);
    const [ping, glob] = m.entries as [SysctlEntry, SysctlEntry];
    assert.equal(ping.ignoreErrors, true);
    assert.deepEqual(ping.ignoreErrorsSpan, { start: 0, end: 1 });
    assert.equal(at(text, ping.rawKey.span), 'net.ipv4.ping_group_range');
    assert.equal(ping.parts[1]!.number, 2147483647);
    assert.equal(glob.glob, true);
    assert.equal(glob.ignoreErrors, false);
    assert.deepEqual(m.exclusions.map((x) => [x.key, at(text, x.rawKey.span)]), [['net.ipv4.conf.lo.rp_filter', 'net.ipv4.conf.lo.rp_filter']]);
    // Glob semantics: explicit keys win, exclusions opt out, `*` is one component.
    assert.equal(effective(m, 'net.ipv4.conf.eth0.rp_filter'), glob);
    assert.equal(effective(m, 'net.ipv4.conf.lo.rp_filter'), undefined);
    assert.equal(effective(m, 'net.ipv4.ping_group_range'), ping);
  });

  it('matches sysctl.d globs one key component per *', () => {
    assert.equal(globMatches('net.ipv4.conf.*.rp_filter', 'net.ipv4.conf.eth0.rp_filter'), true);
    assert.equal(globMatches('net.ipv4.conf.*.rp_filter', 'net.ipv4.conf.all.rp_filter'), true);
    assert.equal(globMatches('net.ipv4.conf.*.rp_filter', 'net.ipv4.conf.eth0.arp_filter'), false);
    assert.equal(globMatches('net.ipv4.conf.*.rp_filter', 'net.ipv4.conf.a.b.rp_filter'), false);
    assert.equal(globMatches('net.ipv4.conf.lxc*.rp_filter', 'net.ipv4.conf.lxc1a2b.rp_filter'), true);
    assert.equal(globMatches('net.ipv4.conf.lxc*.rp_filter', 'net.ipv4.conf.eth0.rp_filter'), false);
    assert.equal(globMatches('net.ipv[46].conf.all.forwarding', 'net.ipv6.conf.all.forwarding'), true);
    assert.equal(globMatches('net.ipv[!4].conf.all.forwarding', 'net.ipv4.conf.all.forwarding'), false);
    assert.equal(globMatches('kernel.?id_max', 'kernel.pid_max'), true);
  });

  it('keeps every duplicate, lets the last win and reports overridden different values as info', () => {
    const text = 'net.ipv4.ip_forward = 0\nnet.ipv4.ip_local_port_range = 32768 60999\nnet/ipv4/ip_forward=1\nnet.ipv4.ip_local_port_range = 32768\t60999\n';
    const m = parseSysctl(text);
    assert.equal(m.entries.length, 4);
    assert.equal(occurrences(m, 'net.ipv4.ip_forward').length, 2);
    assert.equal(effective(m, 'net.ipv4.ip_forward')?.value.value, '1');
    assert.equal(effective(m, 'net/ipv4/ip_forward')?.line, 2, 'lookups accept the slash spelling');
    assert.equal(m.problems.length, 1, 'same value with other whitespace is not a conflict');
    const p = m.problems[0]!;
    assert.equal(p.code, 'parse/sysctl-duplicate-key');
    assert.equal(p.severity, 'info');
    assert.equal(at(text, p.span), 'net.ipv4.ip_forward = 0');
    assert.match(p.message, /line 3/);
  });

  it('reads consecutive lines of one key as a multi-line sysctl -a value, not as overrides', () => {
    const text = 'kernel.core_modes = file\nkernel.core_modes = pipe\nkernel.core_modes = socket\nkernel.core_pattern = core\n';
    const m = parseSysctl(text);
    assert.deepEqual(m.problems, []);
    assert.deepEqual(m.entries.map((e) => e.continuation), [false, true, true, false]);
    assert.equal(effective(m, 'kernel.core_modes')?.value.value, 'socket');
    const conf = parseSysctl('net.core.somaxconn = 128\n\nnet.core.somaxconn = 4096\n');
    assert.deepEqual(conf.entries.map((e) => e.continuation), [false, false], 'a blank line ends a run');
    assert.equal(conf.problems.length, 1);
  });

  it('reads a one-line uname -r capture as kernel.osrelease from uname', () => {
    const text = '5.4.0-107-generic\n';
    const m = parseSysctl(text);
    assert.deepEqual(m.problems, []);
    const e = m.entries[0]!;
    assert.equal(e.key, 'kernel.osrelease');
    assert.equal(e.origin, 'uname');
    assert.deepEqual(e.rawKey, { value: '', span: { start: 0, end: 0 } });
    assert.deepEqual(kernelRelease(m), { value: '5.4.0-107-generic', span: { start: 0, end: 17 } });
    const el7 = parseSysctl('3.10.0-1127.8.2.el7.x86_64');
    assert.equal(kernelRelease(el7)?.value, '3.10.0-1127.8.2.el7.x86_64');
  });

  it('reads the release from a uname -a line and from sysctl -a', () => {
    const text = 'Linux node-1 5.15.0-1034-azure #41-Ubuntu SMP Fri Feb 10 19:59:45 UTC 2023 x86_64 x86_64 x86_64 GNU/Linux\n';
    const r = kernelRelease(parseSysctl(text))!;
    assert.equal(r.value, '5.15.0-1034-azure');
    assert.equal(at(text, r.span), '5.15.0-1034-azure');
    const s = 'kernel.osrelease = 4.19.0-26-amd64\nkernel.version = #1 SMP Debian 4.19.304-1 (2024-01-09)\n';
    const m = parseSysctl(s);
    assert.equal(kernelRelease(m)?.value, '4.19.0-26-amd64');
    assert.deepEqual(m.problems, [], "'#' at the start of a value is not an inline comment");
  });

  it('reads the release from /proc/version, and settings from `grep -r . /proc/sys/...` (the key as a path, then a colon)', () => {
    const version = 'Linux version 5.4.0-150-generic (buildd@lcy02-amd64-001) (gcc version 9.4.0 (Ubuntu 9.4.0-1ubuntu1~20.04.1)) #167-Ubuntu SMP Mon May 15 17:35:05 UTC 2023\n';
    const r = kernelRelease(parseSysctl(version))!;
    assert.equal(at(version, r.span), '5.4.0-150-generic');
    assert.equal(detectKind(version, 'version').kind, 'sysctl');
    const grep = '/proc/sys/net/netfilter/nf_conntrack_max:262144\n/proc/sys/net/ipv4/ip_local_port_range:32768\t60999\n/proc/sys/net/ipv4/conf/all/forwarding:1\n';
    assert.equal(detectKind(grep, 'out.txt').kind, 'sysctl');
    const m = parseSysctl(grep);
    assert.deepEqual(m.problems, []);
    assert.deepEqual(
      m.entries.map((e) => [e.key, at(grep, e.rawKey.span), e.value.value, e.parts.map((p) => p.value)]),
      [
        ['net.netfilter.nf_conntrack_max', 'net/netfilter/nf_conntrack_max', '262144', ['262144']],
        ['net.ipv4.ip_local_port_range', 'net/ipv4/ip_local_port_range', '32768\t60999', ['32768', '60999']],
        ['net.ipv4.conf.all.forwarding', 'net/ipv4/conf/all/forwarding', '1', ['1']],
      ],
    );
    // A /proc/sys path without a value is not a setting.
    assert.equal(parseSysctl('/proc/sys/net/ipv4/ip_forward\n').entries.length, 0);
  });

  it('reads `grep -r . /etc/sysctl.d/` output: each line after its file name, its settings attributed to that file', () => {
    const text = '/etc/sysctl.d/99-k8s.conf:# for kube-proxy\n/etc/sysctl.d/99-k8s.conf:net.ipv4.ip_forward = 1\n/etc/sysctl.conf:net.core.somaxconn=4096\n';
    const m = parseSysctl(text);
    assert.deepEqual(m.problems, []);
    assert.deepEqual(m.entries.map((e) => [e.key, e.value.value, e.file, at(text, e.rawKey.span)]), [
      ['net.ipv4.ip_forward', '1', '/etc/sysctl.d/99-k8s.conf', 'net.ipv4.ip_forward'],
      ['net.core.somaxconn', '4096', '/etc/sysctl.conf', 'net.core.somaxconn'],
    ]);
    assert.equal(m.comments.length, 1);
  });

  it('records sysctl -a stderr lines as notes, not problems', () => {
    const text = [
      "sysctl: permission denied on key 'fs.protected_hardlinks'",
      'sysctl: reading key "net.ipv6.conf.all.stable_secret"',
      'sysctl: cannot stat /proc/sys/net/ipv4/tcp_tw_recycle: No such file or directory',
      'sysctl: setting key "net.core.somaxconn": Invalid argument',
      'error: "net.bridge.bridge-nf-call-iptables" is an unknown key',
      '* Applying /etc/sysctl.d/99-kubernetes.conf ...',
      'net.ipv4.ip_forward = 1',
    ].join('\n');
    const m = parseSysctl(text);
    assert.deepEqual(m.problems, []);
    assert.deepEqual(m.notes.map((n) => [n.kind, n.key, n.keySpan ? at(text, n.keySpan) : undefined]), [
      ['permission-denied', 'fs.protected_hardlinks', 'fs.protected_hardlinks'],
      ['reading-key', 'net.ipv6.conf.all.stable_secret', 'net.ipv6.conf.all.stable_secret'],
      ['cannot-stat', 'net.ipv4.tcp_tw_recycle', '/proc/sys/net/ipv4/tcp_tw_recycle'],
      ['setting-key', 'net.core.somaxconn', 'net.core.somaxconn'],
      ['unknown-key', 'net.bridge.bridge-nf-call-iptables', 'net.bridge.bridge-nf-call-iptables'],
      ['applying', undefined, undefined],
    ]);
    assert.equal(m.notes[5]!.file?.value, '/etc/sysctl.d/99-kubernetes.conf');
    assert.equal(m.entries[0]!.file, undefined, '`* Applying` does not attribute (procps-ng 4 prints them all first)');
  });

  it('warns about quoted values and inline comments, which sysctl writes to the kernel verbatim', () => {
    const text = 'net.ipv4.ping_group_range="0 2147483647"\nnet.ipv4.ip_forward = 1 # enable routing\n';
    const m = parseSysctl(text);
    assert.deepEqual(m.problems.map((p) => [p.code, p.severity, at(text, p.span)]), [
      ['parse/sysctl-quoted-value', 'warning', '"0 2147483647"'],
      ['parse/sysctl-inline-comment', 'warning', '# enable routing'],
    ]);
    assert.equal(m.entries[1]!.value.value, '1 # enable routing', 'the model keeps what sysctl would write');
  });

  it('reports lines that are not settings on their exact text', () => {
    const text = 'net.ipv4.ip_forward 1\n= 1\nkernel modprobe = x\n"net.core.somaxconn" = 4096\n';
    const m = parseSysctl(text);
    assert.equal(m.entries.length, 0);
    assert.deepEqual(m.problems.map((p) => [p.code, at(text, p.span)]), [
      ['parse/sysctl-syntax', 'net.ipv4.ip_forward 1'],
      ['parse/sysctl-syntax', '='],
      ['parse/sysctl-syntax', 'kernel modprobe'],
      ['parse/sysctl-syntax', '"net.core.somaxconn"'],
    ]);
    assert.match(m.problems[0]!.message, /key = value/);
  });

  it('records an empty value (sysctl -a prints `net.ipv4.ip_local_reserved_ports = `) with a zero-length span', () => {
    const text = 'net.ipv4.ip_local_reserved_ports = \nnet.core.somaxconn = 4096\n';
    const m = parseSysctl(text);
    assert.deepEqual(m.problems, []);
    const e = m.entries[0]!;
    assert.equal(e.value.value, '');
    assert.deepEqual(e.value.span, { start: 34, end: 34 }, 'right after the =');
    assert.deepEqual(e.parts, []);
    assert.equal(kernelRelease(m), undefined);
  });
});

describe('sysctl parser: real fixtures (golden)', () => {
  const FIXTURES = [
    'insights-core-test-initramfs-sysctl-concatenated.txt',
    'insights-core-test-sysctl-conf-odd-leading-ws-semicolon.conf',
    'k8s-install-heredoc-k8s.conf',
    'microdevops-salt-pillar-99-kubernetes-sysctl.sls',
    'sysctl-a-notes-netfilter-vm-sections-tab-values.txt',
    'systemd-50-default.conf',
    'sysctl-a-nonroot-procps-4.0.2-kernel-6.18-real.txt',
    'sysctl-system-procps-4.0.2-real.txt',
    'uname-r-real.txt',
  ];
  for (const name of FIXTURES) {
    it(`renders ${name}`, () => {
      const text = readFixture(`sysctl/${name}`);
      const m = parseSysctl(text);
      assertSpansInside(text, collectSpans(m));
      assertLocatedValuesExact(text, m);
      assertGolden(`sysctl/${name}.golden.txt`, render(text, m));
    });
  }

  it('reads the systemd default file: - prefix, rp_filter 2, ping_group_range parts', () => {
    const text = readFixture('sysctl/systemd-50-default.conf');
    const m = parseSysctl(text);
    assert.deepEqual(m.problems, []);
    assert.equal(effective(m, 'net.ipv4.conf.all.rp_filter')?.number, 2);
    const ping = effective(m, 'net.ipv4.ping_group_range')!;
    assert.equal(ping.ignoreErrors, true);
    assert.deepEqual(ping.parts.map((p) => p.number), [0, 2147483647]);
    assert.equal(ping.comment?.text.value, 'systemd-based systems anyway: https://systemd.io/UIDS-GIDS.html#summary');
  });

  it('reads the sysctl -a fragment including the tab-separated vm.lowmem_reserve_ratio', () => {
    const text = readFixture('sysctl/sysctl-a-notes-netfilter-vm-sections-tab-values.txt');
    const m = parseSysctl(text);
    assert.deepEqual(m.problems, []);
    assert.equal(m.entries.length, 84);
    assert.deepEqual(effective(m, 'vm.lowmem_reserve_ratio')?.parts.map((p) => p.number), [256, 256, 32]);
    assert.equal(effective(m, 'net.netfilter.nf_conntrack_max')?.number, 65536);
    assert.equal(effective(m, 'net.nf_conntrack_max')?.number, 65536);
    assert.equal(effective(m, 'net.netfilter.nf_log.0')?.value.value, 'NONE');
  });

  it('reads a real non-root sysctl -a: permission-denied lines are notes, kernel release and multi-values read', () => {
    const text = readFixture('sysctl/sysctl-a-nonroot-procps-4.0.2-kernel-6.18-real.txt');
    const m = parseSysctl(text);
    assert.deepEqual(m.problems, []);
    assert.equal(m.notes.length, 16);
    assert.ok(m.notes.every((n) => n.kind === 'permission-denied' && n.key !== undefined));
    assert.equal(m.entries.length + m.notes.length, text.split('\n').filter((l) => l.trim()).length);
    assert.equal(kernelRelease(m)?.value, '6.18.44-fc-v669');
    assert.deepEqual(effective(m, 'net.ipv4.ip_local_port_range')?.parts.map((p) => p.number), [32768, 60999]);
    assert.equal(effective(m, 'net.ipv4.ip_local_reserved_ports')?.value.value, '');
    assert.equal(effective(m, 'net.bridge.bridge-nf-call-iptables')?.number, 1);
    assert.equal(effective(m, 'kernel.domainname')?.value.value, '(none)');
  });

  it('reads real sysctl --system output and a real uname -r capture', () => {
    const sys = parseSysctl(readFixture('sysctl/sysctl-system-procps-4.0.2-real.txt'));
    assert.deepEqual(sys.problems, []);
    assert.deepEqual(sys.notes.map((n) => n.file?.value), [
      '/usr/lib/sysctl.d/50-pid-max.conf',
      '/usr/lib/sysctl.d/99-protect-links.conf',
      '/etc/sysctl.d/99-sysctl.conf',
      '/etc/sysctl.conf',
    ]);
    assert.equal(effective(sys, 'kernel.pid_max')?.number, 4194304);
    const un = readFixture('sysctl/uname-r-real.txt');
    const m = parseSysctl(un);
    assert.deepEqual(m.problems, []);
    assert.equal(kernelRelease(m)?.value, un.trim());
    assert.equal(m.entries[0]!.origin, 'uname');
  });

  it('reads the lsinitrd-style concatenation: file headers and separators are notes, entries carry the file', () => {
    const text = readFixture('sysctl/insights-core-test-initramfs-sysctl-concatenated.txt');
    const m = parseSysctl(text);
    assert.deepEqual(m.problems, []);
    assert.deepEqual(m.notes.filter((n) => n.kind === 'file-header').map((n) => n.file?.value), ['/etc/sysctl.conf', '/etc/sysctl.d/*.conf']);
    assert.deepEqual(m.entries.map((e) => [e.key, e.value.value, e.file]), [
      ['fs.inotify.max_user_watches', '524288', '/etc/sysctl.conf'],
      ['key2', 'value2', '/etc/sysctl.conf'],
      ['key2_alt', 'value2_alt', '/etc/sysctl.conf'],
    ]);
    assert.deepEqual(m.comments.slice(-2).map((c) => [c.marker, c.text.value]), [['#', 'key3=value3'], [';', 'key4=value4']]);
  });

  it('rejects the Salt pillar (YAML, not sysctl syntax) line by line with a hint, without entries', () => {
    // Decision: a .sls pillar is YAML; sysctl would reject every line. Each non-blank line gets a
    // parse/sysctl-syntax problem on its exact text; `key: value` lines show the '=' spelling.
    const text = readFixture('sysctl/microdevops-salt-pillar-99-kubernetes-sysctl.sls');
    const m = parseSysctl(text);
    assert.equal(m.entries.length, 0);
    const nonBlank = text.split('\n').filter((l) => l.trim()).length;
    assert.equal(m.problems.length, nonBlank);
    assert.ok(m.problems.every((p) => p.code === 'parse/sysctl-syntax'));
    const fwd = m.problems.find((p) => at(text, p.span) === 'net.ipv4.ip_forward: 1')!;
    assert.match(fwd.message, /'net\.ipv4\.ip_forward = 1'/);
    assert.match(m.problems[0]!.message, /YAML/);
  });
});

describe('sysctl parser: robustness', () => {
  it('handles empty, whitespace-only, binary and CRLF input', () => {
    assert.deepEqual(parseSysctl(''), { entries: [], exclusions: [], comments: [], notes: [], problems: [] });
    assert.deepEqual(parseSysctl(' \t\n\n').problems, []);
    const bin = '\u0000\u0001\u0002\u00ff\ufffd=\u0000\n\u0007bell';
    const mb = parseSysctl(bin);
    assert.ok(mb.problems.length >= 2);
    assert.ok(mb.problems.every((p) => p.code === 'parse/sysctl-syntax'));
    assertSpansInside(bin, collectSpans(mb));
    const crlf = 'net.ipv4.ip_forward = 1\r\nnet.ipv4.ip_local_port_range = 1024\t65000\r\n# c\r\n';
    const m = parseSysctl(crlf);
    assert.deepEqual(m.problems, []);
    assert.equal(m.entries[0]!.value.value, '1');
    assert.equal(m.entries[1]!.parts[1]!.value, '65000');
    assert.equal(m.comments[0]!.text.value, 'c');
    const loneCr = parseSysctl('a.b = 1\rc.d = 2');
    assert.deepEqual(loneCr.entries.map((e) => [e.key, e.line]), [['a.b', 0], ['c.d', 1]]);
  });

  it('bounds the problem list on garbage and stays fast on huge and pathological lines', () => {
    const garbage = 'not a setting\n'.repeat(5000);
    const m = parseSysctl(garbage);
    assert.equal(m.problems.length, 1001);
    const stop = m.problems[1000]!;
    assert.equal(stop.code, 'parse/sysctl-limit');
    assert.equal(garbage.slice(stop.span.start, stop.span.end), 'not a setting');
    assert.match(stop.message, /stopped reading at line 1001: .*1000 problems/);
    const many = 'a.b = 1\n'.repeat(200_100);
    const mm = parseSysctl(many);
    assert.equal(mm.entries.length, 200_000);
    assert.deepEqual(mm.problems.map((p) => [p.code, p.span.start]), [['parse/sysctl-limit', 200_000 * 8]]);
    const t0 = Date.now();
    parseSysctl('1.'.repeat(500_000) + 'x');
    parseSysctl('net.a = ' + ' #'.repeat(500_000));
    parseSysctl('a:'.repeat(500_000));
    parseSysctl('sysctl: "' + 'a.'.repeat(300_000));
    assert.ok(Date.now() - t0 < 2000, `pathological lines took ${Date.now() - t0} ms`);
  });

  it('never throws and keeps every span inside the text under random mutations of real fixtures', () => {
    const fixtures = [
      'systemd-50-default.conf',
      'sysctl-a-notes-netfilter-vm-sections-tab-values.txt',
      'insights-core-test-initramfs-sysctl-concatenated.txt',
      'microdevops-salt-pillar-99-kubernetes-sysctl.sls',
      'k8s-install-heredoc-k8s.conf',
    ].map((f) => readFixture(`sysctl/${f}`));
    const tokens = ['=', ' = ', '#', ';', '-', '\t', '\n', '\r\n', '\r', '*', '/', '.', '"', 'sysctl: ', '* Applying ', '5.4.0-107-generic\n', '\u0000'];
    fc.assert(
      fc.property(fc.constantFrom(...fixtures), fc.array(mutation(tokens), { maxLength: 8 }), (base, ops) => {
        const text = ops.reduce((t, op) => applyMutation(t, op), base);
        const m = parseSysctl(text);
        assertSpansInside(text, collectSpans(m));
        assertLocatedValuesExact(text, m);
        JSON.stringify(m);
      }),
      { numRuns: 400 },
    );
  });
});


/** A readable rendering of the model: every value with its span as `L:C-L:C "text"`. */
function render(text: string, m: SysctlModel): string {
  const r = spanRenderer(text);
  const out: string[] = [];
  out.push(`entries (${m.entries.length})`);
  for (const e of m.entries) {
    const flags = [e.origin, e.glob ? 'glob' : '', e.ignoreErrors ? 'ignore-errors' : '', e.continuation ? 'continuation' : '', e.file ? `file=${e.file}` : ''].filter(Boolean).join(' ');
    out.push(`  line ${e.line + 1} ${e.key} [${flags}]`);
    out.push(`    rawKey ${r(e.rawKey.span)}`);
    if (e.ignoreErrorsSpan) out.push(`    prefix ${r(e.ignoreErrorsSpan)}`);
    out.push(`    value  ${r(e.value.span)}${e.number !== undefined ? ` number=${e.number}` : ''}`);
    if (e.parts.length > 1) for (const p of e.parts) out.push(`      part ${r(p.span)}${p.number !== undefined ? ` number=${p.number}` : ''}`);
    if (e.comment) out.push(`    comment above: line ${e.comment.line + 1}`);
  }
  if (m.exclusions.length) {
    out.push(`exclusions (${m.exclusions.length})`);
    for (const x of m.exclusions) out.push(`  ${x.key} ${r(x.rawKey.span)}`);
  }
  out.push(`comments (${m.comments.length})`);
  for (const c of m.comments) out.push(`  ${c.marker} ${r(c.text.span)}`);
  out.push(`notes (${m.notes.length})`);
  for (const n of m.notes) {
    out.push(`  ${n.kind} ${r(n.span)}${n.key ? ` key=${n.key}` : ''}${n.file ? ` file ${r(n.file.span)}` : ''}`);
  }
  out.push(`problems (${m.problems.length})`);
  for (const p of m.problems) out.push(`  ${p.code}${p.severity ? ` (${p.severity})` : ''} ${r(p.span)}\n    ${p.message}`);
  return `${out.join('\n')}\n`;
}
