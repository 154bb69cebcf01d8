import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseDocument, type ParsedDocument } from '../../../server/src/node/document';
import { createSnapshot } from '../../../server/src/node/snapshot';
import { SYSCTL_RULES } from '../../../server/src/rules/sysctl';
import { documentRole, isFullDump } from '../../../server/src/rules/sysctl/shared';
import { lintText } from '../../helpers/ruleTester';
import { exampleNode, fixture, sysctlFixtures } from './support';

const sysctlDoc = (path: string, text: string): ParsedDocument<'sysctl'> => parseDocument({ uri: path, path, text, kind: 'sysctl' }) as ParsedDocument<'sysctl'>;

describe('sysctl rules: document roles and node-level behaviour', () => {
  it('tells files users re-apply from observations by path, then by content', () => {
    const kv = 'net.ipv4.ip_forward = 1\n';
    assert.equal(documentRole(sysctlDoc('/etc/sysctl.conf', kv)), 'file');
    assert.equal(documentRole(sysctlDoc('node/etc/sysctl.d/99-k8s.conf', kv)), 'file');
    assert.equal(documentRole(sysctlDoc('C:\\dumps\\sysctl.d\\k8s', kv)), 'file');
    assert.equal(documentRole(sysctlDoc('node/k8s.conf', kv)), 'file');
    assert.equal(documentRole(sysctlDoc('node/sysctl-a.txt', kv)), 'observation');
    assert.equal(documentRole(sysctlDoc('node/dump.txt', `kernel.osrelease = 6.1.0\n${kv}`)), 'observation');
    assert.equal(documentRole(sysctlDoc('node/uname-r.txt', '6.1.0-27-amd64\n')), 'observation');
    assert.equal(documentRole(sysctlDoc('node/out.txt', fixture('sysctl/sysctl-system-procps-4.0.2-real.txt'))), 'observation');
    assert.equal(documentRole(sysctlDoc('node/paste.txt', `# my settings\n${kv}`)), 'file');
    assert.equal(documentRole(sysctlDoc('node/paste.txt', `-${kv}`)), 'file');
    assert.equal(documentRole(sysctlDoc('node/paste.txt', 'net.ipv4.conf.*.rp_filter = 2\n')), 'file');
  });

  it('calls only a large sysctl -a with keys of several subsystems complete', () => {
    const real = fixture('sysctl/sysctl-a-nonroot-procps-4.0.2-kernel-6.18-real.txt');
    assert.equal(isFullDump(sysctlDoc('node/sysctl-a.txt', real)), true);
    assert.equal(isFullDump(sysctlDoc('node/sysctl.conf', real)), false);
    assert.equal(isFullDump(sysctlDoc('node/sysctl-a.txt', fixture('sysctl/sysctl-a-notes-netfilter-vm-sections-tab-values.txt'))), false);
    assert.equal(isFullDump(sysctlDoc('node/sysctl-a.txt', real.split('\n').filter((l) => !l.startsWith('vm.')).join('\n'))), false);
  });

  it('reports nothing on examples/healthy-node', () => {
    const files = exampleNode('healthy-node');
    for (const f of files) {
      const reports = lintText(f.text, { path: f.path, node: files.filter((x) => x !== f) }).reports.filter((r) => r.ruleId.startsWith('sysctl/'));
      assert.deepEqual(reports.map((r) => r.ruleId), [], f.path);
    }
  });

  it('reports the incident on examples/ipvs-conn-reuse: conn_reuse_mode, and and the IPVS expire settings at 0', () => {
    const files = exampleNode('ipvs-conn-reuse');
    const ids = files.flatMap((f) => lintText(f.text, { path: f.path, node: files.filter((x) => x !== f) }).reports.filter((r) => r.ruleId.startsWith('sysctl/')).map((r) => r.ruleId));
    assert.deepEqual(ids, ['sysctl/ipvs-conn-reuse-mode', 'sysctl/ipvs-expire-nodest-conn-off', 'sysctl/ipvs-expire-nodest-conn-off']);
  });

  it('reports on the real sysctl fixtures only what the brief asks (each fixture read alone)', () => {
    const found: string[] = [];
    for (const f of sysctlFixtures()) {
      const { reports } = lintText(f.text, { path: `test/fixtures/${f.name}` });
      for (const r of reports) if (r.ruleId.startsWith('sysctl/')) found.push(`${f.name} ${r.ruleId}`);
    }
    // A host with br_netfilter loaded but forwarding off: the NET-SYS-001 heuristic takes it for a node.
    assert.deepEqual(found, ['sysctl/sysctl-a-nonroot-procps-4.0.2-kernel-6.18-real.txt sysctl/ip-forward-disabled']);
  });

  it('never throws and keeps every span inside the text on mutated real fixtures', () => {
    const bases = [
      fixture('sysctl/sysctl-a-notes-netfilter-vm-sections-tab-values.txt'),
      fixture('sysctl/systemd-50-default.conf'),
      exampleNode('ipvs-conn-reuse').find((f) => f.path.endsWith('sysctl-a.txt'))!.text,
      'net.ipv4.ip_local_port_range = 1024 65535\nnet.ipv4.conf.all.route_localnet = 1\nnet.ipv4.tcp_tw_recycle = 1\nnet.core.somaxconn = 128\nnet.ipv4.neigh.default.gc_thresh3 = 128\nnet.ipv4.conf.lxc1.rp_filter = 2\nnet.netfilter.nf_conntrack_tcp_be_liberal = 1\n',
    ];
    const siblings = exampleNode('ipvs-conn-reuse').filter((f) => !f.path.endsWith('sysctl-a.txt'));
    const mutation = fc.record({
      base: fc.integer({ min: 0, max: bases.length - 1 }),
      at: fc.nat(),
      cut: fc.nat({ max: 40 }),
      insert: fc.oneof(fc.string({ maxLength: 20 }), fc.constantFrom('\r\n', '\t', '\0', ' = ', '=0\n', '.', '/', '*', '-', '\uFFFD', '\r')),
      path: fc.constantFrom('node/sysctl-a.txt', 'node/sysctl.d/99.conf'),
    });
    fc.assert(
      fc.property(mutation, ({ base, at, cut, insert, path }) => {
        const src = bases[base]!;
        const i = at % (src.length + 1);
        const text = src.slice(0, i) + insert + src.slice(i + cut);
        const doc = sysctlDoc(path, text);
        const others = siblings.map((f) => parseDocument({ uri: f.path, path: f.path, text: f.text }));
        const node = createSnapshot('node', [doc, ...others], { kernelVersion: '4.19.0' });
        for (const rule of SYSCTL_RULES) {
          for (const finding of rule.check({ document: doc as never, node })) {
            assert.ok(finding.span.start >= 0 && finding.span.end <= text.length && finding.span.start <= finding.span.end, rule.meta.id);
            for (const fix of finding.fixes ?? []) {
              if (fix.kind === 'edit') for (const e of fix.edits) assert.ok(e.span.start >= 0 && e.span.end <= text.length, `${rule.meta.id} edit`);
            }
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
