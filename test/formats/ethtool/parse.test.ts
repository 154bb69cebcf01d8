import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Span } from '../../../server/src/core/span';
import { children, feature, findInterface, parseEthtool, type EthtoolFeature, type EthtoolModel } from '../../../server/src/formats/ethtool';
import { assertGolden, assertSpansInside, collectSpans, readFixture, spanRenderer } from '../../helpers/golden';
import { applyMutation, mutation } from '../../helpers/mutations';

const at = (text: string, s: Span): string => text.slice(s.start, s.end);

/** Every located value reads back from the text exactly. */
function assertLocatedValuesExact(text: string, m: EthtoolModel): void {
  const features = (fs: readonly EthtoolFeature[]): void => {
    for (const f of fs) {
      assert.equal(at(text, f.name.span), f.name.value);
      assert.equal(at(text, f.state.span), f.state.value);
      if (f.annotation) assert.equal(at(text, f.annotation.span), `[${f.annotation.value}]`);
    }
  };
  for (const i of m.interfaces) {
    assert.equal(at(text, i.name.span), i.name.value);
    features(i.features);
  }
  for (const c of m.changes) features(c.features);
  for (const n of m.notes) {
    assert.equal(at(text, n.text.span), n.text.value);
    if (n.interface) assert.equal(at(text, n.interface.span), n.interface.value);
  }
}

describe('ethtool parser: specification', () => {
  it('reads the header, features, nesting and [fixed] with exact spans', () => {
    const text = 'Features for flannel.1:\nrx-checksumming: on\ntx-checksumming: on\n\ttx-checksum-ipv4: off [fixed]\n\ttx-checksum-ip-generic: on\nscatter-gather: on\n';
    const m = parseEthtool(text);
    assert.deepEqual(m.problems, []);
    const iface = m.interfaces[0]!;
    assert.equal(iface.name.value, 'flannel.1');
    assert.deepEqual(iface.name.span, { start: 13, end: 22 });
    assert.equal(iface.style, 'features');
    assert.deepEqual(
      iface.features.map((f) => [f.name.value, f.state.value, f.fixed, f.parent]),
      [
        ['rx-checksumming', 'on', false, undefined],
        ['tx-checksumming', 'on', false, undefined],
        ['tx-checksum-ipv4', 'off', true, 'tx-checksumming'],
        ['tx-checksum-ip-generic', 'on', false, 'tx-checksumming'],
        ['scatter-gather', 'on', false, undefined],
      ],
    );
    const generic = feature(iface, 'tx-checksum-ip-generic')!;
    assert.equal(at(text, generic.name.span), 'tx-checksum-ip-generic');
    assert.equal(at(text, generic.state.span), 'on');
    assert.equal(at(text, generic.span), 'tx-checksum-ip-generic: on');
    const v4 = feature(iface, 'tx-checksum-ipv4')!;
    assert.deepEqual(v4.annotation, { value: 'fixed', span: { start: 87, end: 94 } });
    assert.equal(at(text, v4.annotation.span), '[fixed]');
    assert.deepEqual(children(iface, 'tx-checksumming').map((f) => f.name.value), ['tx-checksum-ipv4', 'tx-checksum-ip-generic']);
  });

  it('reads [requested on], [requested off] and [not requested]', () => {
    const text = 'Features for eth0:\ntcp-segmentation-offload: off\n\ttx-tcp-segmentation: off [requested on]\nrx-gro-list: on [requested off]\nActual changes:\ntx-tcp6-segmentation: off [not requested]\n';
    const m = parseEthtool(text);
    assert.deepEqual(m.problems, []);
    const eth0 = findInterface(m, 'eth0')!;
    assert.equal(feature(eth0, 'tx-tcp-segmentation')?.requested, 'on');
    assert.equal(feature(eth0, 'rx-gro-list')?.requested, 'off');
    assert.equal(feature(eth0, 'rx-gro-list')?.fixed, false);
    const ch = m.changes[0]!;
    assert.equal(ch.features[0]!.notRequested, true);
    assert.equal(ch.features[0]!.requested, undefined);
    assert.equal(at(text, ch.header), 'Actual changes:');
  });

  it('reads several interfaces one after another and finds the last block of a name', () => {
    const text = 'Features for lo:\nloopback: on [fixed]\n\nFeatures for flannel.1:\nloopback: off [fixed]\ntx-checksumming: on\nFeatures for flannel.1:\ntx-checksumming: off\n';
    const m = parseEthtool(text);
    assert.deepEqual(m.interfaces.map((i) => [i.name.value, i.features.length]), [['lo', 1], ['flannel.1', 2], ['flannel.1', 1]]);
    assert.equal(feature(findInterface(m, 'flannel.1'), 'tx-checksumming')?.state.value, 'off');
    assert.equal(feature(findInterface(m, 'lo'), 'loopback')?.state.value, 'on');
    assert.equal(findInterface(m, 'eth9'), undefined);
    assert.equal(feature(undefined, 'tx'), undefined);
  });

  it('finds legacy groups by ethtool -K short name, kernel name and old spaced name', () => {
    const text = 'Offload parameters for eth0:\nrx-checksumming: off\ntcp segmentation offload: on\ngeneric-receive-offload: on\n';
    const m = parseEthtool(text);
    assert.deepEqual(m.problems, []);
    const eth0 = m.interfaces[0]!;
    assert.equal(eth0.style, 'offload-parameters');
    assert.equal(feature(eth0, 'rx')?.name.value, 'rx-checksumming');
    assert.equal(feature(eth0, 'rx-checksum')?.name.value, 'rx-checksumming');
    assert.equal(feature(eth0, 'tso')?.name.value, 'tcp segmentation offload');
    assert.equal(feature(eth0, 'tcp-segmentation-offload')?.canonical, 'tcp-segmentation-offload');
    assert.equal(feature(eth0, 'gro')?.state.value, 'on');
    assert.equal(feature(eth0, 'rx-gro')?.state.value, 'on');
    // The reverse: -K output prints the kernel name; asking for the printed group name finds it.
    const k = parseEthtool('Actual changes:\nrx-checksum: off\n');
    const block = { name: { value: '', span: { start: 0, end: 0 } }, header: { start: 0, end: 0 }, style: 'headerless' as const, features: k.changes[0]!.features };
    assert.equal(feature(block, 'rx-checksumming')?.name.value, 'rx-checksum');
  });

  it('records stray ethtool messages and shell prompts as notes', () => {
    const text = [
      'root@node:~# ethtool -K flannel.1 tx-checksum-ip-generic off',
      'Cannot get device udp tunnel port information',
      'Actual changes:',
      'tx-checksum-ip-generic: off',
      'netlink error: no device matches name (offset 24)',
      'Could not change any device features',
    ].join('\n');
    const m = parseEthtool(text);
    assert.deepEqual(m.problems, []);
    assert.deepEqual(m.notes.map((n) => [n.kind, n.action, n.interface?.value]), [
      ['command', 'change', 'flannel.1'],
      ['cannot-get', undefined, undefined],
      ['error', undefined, undefined],
      ['error', undefined, undefined],
    ]);
    assert.equal(m.changes[0]!.interface?.value, 'flannel.1');
    assert.equal(at(text, m.changes[0]!.interface!.span), 'flannel.1');
  });

  it('nests relative to the header indentation (an indented paste) and accepts spaces as indentation', () => {
    const text = '    Features for eth0:\n    tx-checksumming: on\n            tx-checksum-ip-generic: on\n    scatter-gather: off\n';
    const eth0 = parseEthtool(text).interfaces[0]!;
    assert.deepEqual(eth0.features.map((f) => f.parent), [undefined, 'tx-checksumming', undefined]);
  });

  it('reports headerless features, bad states and unknown annotations on their exact text', () => {
    const text = 'tx-checksumming: on\nrx-checksumming: maybe\nhighdma: off [sometimes]\nhello world\n';
    const m = parseEthtool(text);
    assert.deepEqual(m.problems.map((p) => [p.code, p.severity, at(text, p.span)]), [
      ['parse/ethtool-missing-header', 'info', 'tx-checksumming: on'],
      ['parse/ethtool-syntax', undefined, 'maybe'],
      ['parse/ethtool-syntax', undefined, '[sometimes]'],
      ['parse/ethtool-stray-line', 'info', 'hello world'],
    ]);
    const iface = m.interfaces[0]!;
    assert.equal(iface.style, 'headerless');
    assert.equal(iface.name.value, '');
    assert.deepEqual(iface.features.map((f) => [f.name.value, f.state.value, f.annotation]), [
      ['tx-checksumming', 'on', undefined],
      ['highdma', 'off', undefined],
    ]);
  });

  it('reports a feature listed twice in one block and uses the later line', () => {
    const text = 'Features for eth0:\nhighdma: on\nhighdma: off\n';
    const m = parseEthtool(text);
    assert.equal(m.problems.length, 1);
    assert.equal(m.problems[0]!.code, 'parse/ethtool-duplicate-feature');
    assert.equal(at(text, m.problems[0]!.span), 'highdma: on');
    assert.equal(feature(m.interfaces[0], 'highdma')?.state.value, 'off');
  });
});

describe('ethtool parser: fixtures (golden)', () => {
  const FIXTURES = [
    'flannel.1-vxlan-real.txt',
    'flannel.1-after-tx-checksum-off-real.txt',
    'flannel.1-K-tx-checksum-ip-generic-off-real.txt',
    'flannel.1-K-tx-off-rx-off-real.txt',
    'flannel.1-session-with-prompts-real.txt',
    'lo-real.txt',
    'veth0-real.txt',
    'three-interfaces-concatenated-real.txt',
    'nosuchdev-stderr-real.txt',
    'public-flannel.1-tx-off-requested-on-paste.txt',
    'public-flannel.1-old-kernel-ufo-8-space-indent.txt',
    'public-old-ethtool-2007-offload-parameters-eth0.txt',
    'public-ethtool-K-tx-off-cannot-get-ufo.txt',
  ];
  for (const name of FIXTURES) {
    it(`renders ${name}`, () => {
      const text = readFixture(`ethtool/${name}`);
      const m = parseEthtool(text);
      assertSpansInside(text, collectSpans(m));
      assertLocatedValuesExact(text, m);
      assertGolden(`ethtool/${name}.golden.txt`, render(text, m));
    });
  }

  it('reads the real flannel.1 VXLAN dump: every line a feature, tx-checksum-ip-generic on under tx-checksumming', () => {
    const text = readFixture('ethtool/flannel.1-vxlan-real.txt');
    const m = parseEthtool(text);
    assert.deepEqual(m.problems, []);
    const f1 = findInterface(m, 'flannel.1')!;
    assert.equal(f1.features.length, text.trim().split('\n').length - 1);
    const g = feature(f1, 'tx-checksum-ip-generic')!;
    assert.deepEqual([g.state.value, g.fixed, g.parent], ['on', false, 'tx-checksumming']);
    assert.equal(children(f1, 'tcp-segmentation-offload').length, 5);
  });

  it('reads the state after `ethtool -K flannel.1 tx-checksum-ip-generic off`: off, TSO off [requested on]', () => {
    const m = parseEthtool(readFixture('ethtool/flannel.1-after-tx-checksum-off-real.txt'));
    const f1 = findInterface(m, 'flannel.1')!;
    assert.equal(feature(f1, 'tx-checksum-ip-generic')?.state.value, 'off');
    assert.equal(feature(f1, 'tx')?.state.value, 'off');
    assert.deepEqual(children(f1, 'tso'), children(f1, 'tcp-segmentation-offload'), 'children() accepts the short name too');
    // Kernel 6.18: the four classic TSO features drop with checksumming; tx-tcp-accecn-segmentation stays on.
    assert.deepEqual(
      children(f1, 'tcp-segmentation-offload').map((f) => [f.name.value, f.state.value, f.requested ?? null]),
      [
        ['tx-tcp-segmentation', 'off', 'on'],
        ['tx-tcp-ecn-segmentation', 'off', 'on'],
        ['tx-tcp-mangleid-segmentation', 'off', 'on'],
        ['tx-tcp6-segmentation', 'off', 'on'],
        ['tx-tcp-accecn-segmentation', 'on', null],
      ],
    );
    assert.equal(feature(f1, 'tso')?.state.value, 'on');
  });

  it('reads a session paste: prompts, two dumps of flannel.1 and the -K report between them', () => {
    const m = parseEthtool(readFixture('ethtool/flannel.1-session-with-prompts-real.txt'));
    assert.deepEqual(m.problems, []);
    assert.equal(m.interfaces.length, 2);
    assert.equal(feature(m.interfaces[0], 'tx-checksum-ip-generic')?.state.value, 'on');
    assert.equal(feature(findInterface(m, 'flannel.1'), 'tx-checksum-ip-generic')?.state.value, 'off');
    assert.equal(m.changes[0]!.interface?.value, 'flannel.1');
    assert.equal(m.changes[0]!.features.filter((f) => f.notRequested).length, 5);
  });

  it('reads the 2007 Offload parameters paste with spaced names and a Cannot get line', () => {
    const m = parseEthtool(readFixture('ethtool/public-old-ethtool-2007-offload-parameters-eth0.txt'));
    const eth0 = findInterface(m, 'eth0')!;
    assert.equal(feature(eth0, 'tso')?.state.value, 'on');
    assert.equal(feature(eth0, 'ufo')?.state.value, 'off');
    assert.equal(feature(eth0, 'rx')?.state.value, 'off');
    assert.deepEqual(m.notes.map((n) => n.kind), ['command', 'command', 'cannot-get']);
    assert.deepEqual(m.problems.map((p) => p.code), ['parse/ethtool-stray-line'], 'only the sudo password prompt is stray');
  });
});

describe('ethtool parser: robustness', () => {
  it('handles empty, binary and CRLF input', () => {
    assert.deepEqual(parseEthtool(''), { interfaces: [], changes: [], notes: [], problems: [] });
    const bin = '\u0000\u0001Features for \u0000:\n\u00ff: on\u0000\n';
    const mb = parseEthtool(bin);
    assertSpansInside(bin, collectSpans(mb));
    assert.ok(mb.problems.length >= 2);
    const crlf = 'Features for eth0:\r\ntx-checksumming: on\r\n\ttx-checksum-ip-generic: off [fixed]\r\n';
    const m = parseEthtool(crlf);
    assert.deepEqual(m.problems, []);
    const g = feature(m.interfaces[0], 'tx-checksum-ip-generic')!;
    assert.equal(g.annotation?.value, 'fixed');
    assert.equal(g.parent, 'tx-checksumming');
    assert.equal(m.interfaces[0]!.name.value, 'eth0');
  });

  it('bounds the problem list and stays fast on pathological lines', () => {
    const m = parseEthtool('garbage line\n'.repeat(3000));
    assert.equal(m.problems.length, 1001);
    assert.equal(m.problems[1000]!.code, 'parse/ethtool-limit');
    assert.match(m.problems[1000]!.message, /stopped reading at line 1001/);
    const many = parseEthtool('Features for eth0:\n' + Array.from({ length: 200_010 }, (_, i) => `f${i}: on\n`).join(''));
    assert.equal(many.interfaces[0]!.features.length, 200_000);
    assert.deepEqual(many.problems.map((p) => p.code), ['parse/ethtool-limit']);
    const t0 = Date.now();
    parseEthtool('ethtool ' + 'a '.repeat(1_000_000));
    parseEthtool('x: on ' + '['.repeat(1_000_000));
    parseEthtool('a'.repeat(1_000_000) + ': on');
    parseEthtool('Features for ' + ':'.repeat(1_000_000));
    assert.ok(Date.now() - t0 < 2000, `pathological lines took ${Date.now() - t0} ms`);
  });

  it('never throws and keeps every span inside the text under random mutations of real dumps', () => {
    const fixtures = [
      'flannel.1-session-with-prompts-real.txt',
      'three-interfaces-concatenated-real.txt',
      'public-old-ethtool-2007-offload-parameters-eth0.txt',
      'public-ethtool-K-tx-off-cannot-get-ufo.txt',
    ].map((f) => readFixture(`ethtool/${f}`));
    const tokens = [': on', ': off', ' [fixed]', ' [requested on]', '\t', '        ', '\n', '\r\n', '\r', 'Features for ', 'Actual changes:\n', 'Cannot get ', 'ethtool -K ', ':', '[', '\u0000'];
    fc.assert(
      fc.property(fc.constantFrom(...fixtures), fc.array(mutation(tokens), { maxLength: 8 }), (base, ops) => {
        const text = ops.reduce((t, op) => applyMutation(t, op, / {8}/g), base);
        const m = parseEthtool(text);
        assertSpansInside(text, collectSpans(m));
        assertLocatedValuesExact(text, m);
        JSON.stringify(m);
      }),
      { numRuns: 400 },
    );
  });
});


function renderFeatures(r: (s: Span) => string, fs: readonly EthtoolFeature[]): string[] {
  return fs.map((f) => {
    const extra = [f.fixed ? 'fixed' : '', f.requested ? `requested=${f.requested}` : '', f.notRequested ? 'not-requested' : '', f.parent ? `parent=${f.parent}` : '', f.canonical !== f.name.value ? `canonical=${f.canonical}` : '']
      .filter(Boolean)
      .join(' ');
    return `    ${r(f.name.span)} = ${r(f.state.span)}${f.annotation ? ` ${r(f.annotation.span)}` : ''}${extra ? `  [${extra}]` : ''}`;
  });
}

/** A readable rendering of the model: every value with its span as `L:C-L:C "text"`. */
function render(text: string, m: EthtoolModel): string {
  const r = spanRenderer(text);
  const out: string[] = [];
  out.push(`interfaces (${m.interfaces.length})`);
  for (const i of m.interfaces) {
    out.push(`  ${i.style} ${r(i.name.span)} header ${r(i.header)} features=${i.features.length}`);
    out.push(...renderFeatures(r, i.features));
  }
  out.push(`changes (${m.changes.length})`);
  for (const c of m.changes) {
    out.push(`  ${r(c.header)}${c.interface ? ` interface ${r(c.interface.span)}` : ''} features=${c.features.length}`);
    out.push(...renderFeatures(r, c.features));
  }
  out.push(`notes (${m.notes.length})`);
  for (const n of m.notes) out.push(`  ${n.kind} ${r(n.text.span)}${n.interface ? ` ${n.action} ${r(n.interface.span)}` : ''}`);
  out.push(`problems (${m.problems.length})`);
  for (const p of m.problems) out.push(`  ${p.code}${p.severity ? ` (${p.severity})` : ''} ${r(p.span)}\n    ${p.message}`);
  return `${out.join('\n')}\n`;
}
