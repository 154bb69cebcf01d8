import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { detectKind } from '../../../server/src/formats/detect';
import { containers, flannelConfigs, parseK8s } from '../../../server/src/formats/k8s';
import { parseSysctl } from '../../../server/src/formats/sysctl';
import { sysctlHover } from '../../../server/src/formats/sysctl/hover';
import { parseUnknown } from '../../../server/src/formats/unknown';
import { parseDocument } from '../../../server/src/node/document';
import { deriveFacts } from '../../../server/src/node/facts';
import { lintText } from '../../helpers/ruleTester';

/** Issue 14, class 6: what people paste that used to be read as nothing. */
const DIR = join(__dirname, '../../fixtures/pastes/read-as-nothing');
const read = (name: string): string => readFileSync(join(DIR, name), 'utf8');
const at = (text: string, s: { start: number; end: number }): string => text.slice(s.start, s.end);

describe('pastes that used to be read as nothing', () => {
  describe('kube-proxy container spec fragments (no kind)', () => {
    for (const name of ['kube-proxy-command.paste', 'kube-proxy-container-item.paste', 'kube-proxy-args-only.paste']) {
      it(`${name}: detected as a manifest, read as a kube-proxy container with its flags`, () => {
        const text = read(name);
        assert.equal(detectKind(text, 'pasted.txt').kind, 'k8s');
        const model = parseK8s(text);
        assert.deepEqual(model.problems.map((p) => p.code), []);
        const [c] = containers(model);
        assert.equal(c?.role, 'kube-proxy');
        const flag = c!.flags.find((f) => f.name.value.replace(/^-+/, '') === 'masquerade-all');
        assert.ok(flag, 'the --masquerade-all flag is read');
        assert.equal(at(text, flag.name.span), '--masquerade-all');
      });
    }

    it('the kube-proxy rules see the flags: masquerade-all fires on the flag of a fragment', () => {
      const text = read('kube-proxy-container-item.paste');
      const r = lintText(text, { path: 'node/kube-proxy.paste' }).reports.find((x) => x.ruleId === 'kube-proxy/masquerade-all');
      assert.ok(r);
      assert.equal(at(text, r.span), '--masquerade-all');
      assert.match(r.message, /--cluster-cidr=10\.244\.0\.0\/16 is set/);
    });

    it('with --config in the same command, the flags-ignored rule speaks instead (kube-proxy ignores the flags)', () => {
      const text = read('kube-proxy-command.paste');
      const ids = lintText(text, { path: 'node/ds.paste' }).reports.map((r) => r.ruleId);
      assert.ok(ids.includes('kube-proxy/flags-ignored-with-config'), ids.join(', '));
    });

    it('a mapping or list that is not a container is not taken for one', () => {
      assert.equal(containers(parseK8s('command: make\nenvironment:\n  A: b\n')).length, 0);
      assert.equal(containers(parseK8s('- one\n- two\n')).length, 0);
      assert.equal(containers(parseK8s('- name: a\n  value: b\n')).length, 0);
      // docker-compose is not a pod spec, and is still not detected as a manifest by content.
      assert.notEqual(detectKind('services:\n  web:\n    image: nginx\n', 'compose.txt').kind, 'k8s');
    });

    it('a pod spec pasted from spec: down is read as a workload', () => {
      const text = 'spec:\n  template:\n    spec:\n      containers:\n      - name: kube-proxy\n        image: registry.k8s.io/kube-proxy:v1.29.0\n        command: ["/usr/local/bin/kube-proxy", "--masquerade-all=true"]\n';
      const [c] = containers(parseK8s(text));
      assert.equal(c?.role, 'kube-proxy');
      assert.ok(c!.flags.some((f) => f.name.value.replace(/^-+/, '') === 'masquerade-all'));
    });
  });

  describe("flannel's net-conf.json and its etcd value", () => {
    it('net-conf.json is a flannel configuration: Network and Backend.Type with exact spans', () => {
      const text = read('net-conf.json');
      assert.equal(detectKind(text, 'net-conf.json').kind, 'k8s');
      const [fl] = flannelConfigs(parseK8s(text, 'net-conf.json'));
      assert.ok(fl);
      assert.equal(fl.network.present && fl.network.value, '10.244.0.0/16');
      assert.equal(fl.backend.type.present && at(text, fl.backend.type.span), '"vxlan"');
    });

    it('etcdctl get output (key line, then the JSON value) is read with exact spans', () => {
      const text = read('etcdctl-get.out');
      assert.equal(detectKind(text, 'etcd.out').kind, 'k8s');
      const model = parseK8s(text);
      assert.deepEqual(model.problems, []);
      const [fl] = flannelConfigs(model);
      assert.equal(fl?.network.present && at(text, fl.network.span), '"10.1.0.0/16"');
      assert.equal(fl?.backend.type.present && fl.backend.type.value, 'vxlan');
    });

    it('becomes the node fact flannelBackend; JSON that is not flannel\'s is not', () => {
      const doc = parseDocument({ uri: 'n/net-conf.json', path: 'n/net-conf.json', text: read('net-conf.json') });
      assert.equal(deriveFacts([doc], {}).flannelBackend?.value, 'vxlan');
      assert.equal(flannelConfigs(parseK8s('{"name": "cbr0", "cniVersion": "0.3.1", "plugins": []}')).length, 0);
    });
  });

  describe('uname -a', () => {
    it('is detected by content, its release is the kernel fact, and it has a hover', () => {
      const text = read('uname-a.out');
      assert.equal(detectKind(text, 'node-info.txt').kind, 'sysctl');
      const doc = parseDocument({ uri: 'n/node-info.txt', path: 'n/node-info.txt', text });
      const kernel = deriveFacts([doc], {}).kernel;
      assert.equal(kernel?.value.text, '3.13.0-170-generic');
      const model = parseSysctl(text);
      const offset = text.indexOf('3.13.0') + 2;
      const hover = sysctlHover(model, offset);
      assert.ok(hover);
      assert.equal(at(text, hover.span), '3.13.0-170-generic');
      assert.match(hover.markdown, /Kernel release `3\.13\.0-170-generic`/);
      assert.match(hover.markdown, /kernel version gates/);
    });
  });

  it('kernel 3.13 uname -a next to a flannel vxlan net-conf.json: the flannel vxlan rule fires, citing the kernel', () => {
    const conf = read('net-conf.json');
    const { reports } = lintText(conf, { path: 'node/net-conf.json', node: [{ path: 'node/uname-a.out', text: read('uname-a.out') }] });
    const r = reports.find((x) => x.ruleId === 'flannel/vxlan-without-offload-fix');
    assert.ok(r, reports.map((x) => x.ruleId).join(', '));
    assert.match(r.message, /3\.13\.0-170-generic/);
    assert.match(r.message, /has the bug/);
  });

  describe('a file that is still not read says why', () => {
    const cases: readonly (readonly [string, RegExp])[] = [
      ['', /the file is empty/],
      ['\n\n  \n', /only blank lines/],
      ['{"apiVersion": 5, "whatever": true}\n', /looks like JSON, but not flannel's net-conf\.json/],
      ['$ kubectl get pods\n', /a shell session/],
      ['foo: bar\nbaz: 1\n', /YAML or "key: value" lines/],
      ['\u0000\u0001\u0002\u0003binary\u0000\u0000', /binary data/],
      ['NAME   READY   STATUS\ncoredns-1   1/1   Running\n', /a table of columns/],
      ['hello world', /its first line, "hello world", matches none/],
      // A dump carried in a log line or a JSON string: its line breaks are the two characters \n.
      ['{"log":"*nat\\n:KUBE-SERVICES - [0:0]\\n-A KUBE-SERVICES -d 10.96.0.1/32 -j KUBE-SVC-A\\n-A KUBE-SVC-A -j KUBE-SEP-A\\n-A KUBE-SEP-A -p tcp -j DNAT --to-destination 10.244.1.5:443\\nCOMMIT\\n"}\n', /holds iptables-save output written as one escaped string.*unescape it first/],
      ['09.4:53\\n-A KUBE-SEP-W -s 10.244.109.2/32 -m comment --comment \\"dns\\" -j KUBE-MARK-MASQ\\n-A KUBE-SEP-W -p udp -j DNAT --to-destination 10.244.109.2:53\\n-A KUBE-SERVICES -d 10.96.0.10/32 -j KUBE-SVC-X\\n', /holds iptables-save output written as one escaped string/],
    ];
    for (const [text, re] of cases) {
      it(JSON.stringify(text.slice(0, 30)), () => {
        const [p] = parseUnknown(text).problems;
        assert.match(p!.message, /nothing in it was read/);
        assert.match(p!.message, re);
        assert.match(p!.message, /It reads iptables-save/);
      });
    }
    it('a long first line is clipped in the message', () => {
      const [p] = parseUnknown(`${'x'.repeat(500)}\n`).problems;
      assert.ok(p!.message.length < 600);
      assert.match(p!.message, /x{57}\.\.\./);
    });
  });
});
