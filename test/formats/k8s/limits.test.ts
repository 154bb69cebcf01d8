import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseK8s } from '../../../server/src/formats/k8s/parse';
import { kubeProxyConfigs } from '../../../server/src/formats/k8s/model';
import { flowDepthExceeds, MAX_YAML_DEPTH, MAX_YAML_ERRORS } from '../../../server/src/formats/k8s/yamlLimits';

const cm = (conf: string): string => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: kube-proxy\n  namespace: kube-system\ndata:\n  config.conf: |-\n    ${conf}\n`;
const nestedJson = (depth: number): string => `{"kind": "KubeProxyConfiguration", "mode": "ipvs", "x": ${'{"a": '.repeat(depth)}1${'}'.repeat(depth)}}`;
const codes = (text: string): string[] => parseK8s(text).problems.map((p) => `${p.code} ${p.message}`);

describe('k8s reader: what the YAML library is not handed', () => {
  it('refuses nesting above the limit with a finding instead of overflowing the stack (6,000 levels was a V8 fatal error)', () => {
    const refused = codes(cm(nestedJson(6000)));
    assert.ok(refused.some((p) => /^parse\/k8s-embedded .*deeper than 100 levels/.test(p)), refused.join('\n'));
    assert.ok(!refused.some((p) => /call stack/.test(p)));
    // Just under the limit is read as usual (the config's other keys stay visible).
    const kept = parseK8s(cm(nestedJson(MAX_YAML_DEPTH - 5)));
    assert.deepEqual(kept.problems, []);
    const mode = kubeProxyConfigs(kept)[0]?.mode;
    assert.ok(mode?.present);
    assert.equal(mode.value, 'ipvs');
  });

  it('refuses deep block nesting and deep compact sequences, which no bracket shows', () => {
    let block = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: deep\ndata:\n';
    for (let i = 0; i < 2000; i++) block += `${' '.repeat(2 + i)}k:\n`;
    assert.ok(codes(block).some((p) => /^parse\/k8s-yaml .*deeper than 100 levels/.test(p)));
    const compact = `apiVersion: v1\nkind: List\nitems:\n${'- '.repeat(3000)}x\n`;
    assert.ok(codes(compact).some((p) => /^parse\/k8s-yaml .*deeper than 100 levels/.test(p)));
  });

  it('pre-scans brackets outside quotes, comments and block scalars, and stops at the limit', () => {
    assert.equal(flowDepthExceeds('['.repeat(MAX_YAML_DEPTH)), false);
    assert.equal(flowDepthExceeds('['.repeat(MAX_YAML_DEPTH + 1)), true);
    assert.equal(flowDepthExceeds(`a: "${'['.repeat(500)}"\nb: '${'{'.repeat(500)}'\n# ${'['.repeat(500)}\n`), false);
    assert.equal(flowDepthExceeds(`a: |\n  ${'['.repeat(500)}\n  more\nb: 1\n`), false);
    assert.equal(flowDepthExceeds(`a: |\n  x\nb: ${'['.repeat(500)}\n`), true);
    assert.equal(flowDepthExceeds(`${'['.repeat(90)}\n---\n${'['.repeat(90)}\n`), false);
  });

  it('a million quotes in one annotation is one finding, not 500,000 YAML errors and a gigabyte', () => {
    const text = `apiVersion: v1\nkind: Service\nmetadata:\n  name: s\n  annotations:\n    a: ${'"'.repeat(1_000_000)}\nspec:\n  type: ClusterIP\n`;
    const p = parseK8s(text).problems;
    assert.equal(p.length, 1);
    assert.match(p[0]!.message, /not YAML/);
  });

  it('finds duplicate keys with a set (100,000 keys in one mapping took minutes), on the repeated key', { timeout: 30_000 }, () => {
    const keys = Array.from({ length: 100_000 }, (_, i) => `  k${i}: v\n`).join('');
    const text = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big\ndata:\n${keys}  k7: again\n`;
    const started = Date.now();
    const dups = parseK8s(text).problems.filter((p) => p.code === 'parse/k8s-yaml');
    // A hang detector, not a benchmark: the library's pairwise check took 86 s here.
    assert.ok(Date.now() - started < 20_000, `${Date.now() - started} ms`);
    assert.equal(dups.length, 1);
    assert.match(dups[0]!.message, /appears twice/);
    assert.equal(text.slice(dups[0]!.span.start, dups[0]!.span.start + 2), 'k7');
    assert.equal(dups[0]!.span.start, text.lastIndexOf('k7: again'));
    // Equal values of different types are different keys, as in the library's check.
    assert.deepEqual(codes('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  1: a\n  "1": b\n'), []);
  });

  it('lists at most MAX_YAML_ERRORS errors per document and says how many more there were', () => {
    const keys = Array.from({ length: 500 }, () => '  k: v\n').join('');
    const p = parseK8s(`apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n${keys}`).problems.filter((x) => x.code === 'parse/k8s-yaml');
    assert.equal(p.length, MAX_YAML_ERRORS + 1);
    assert.match(p[MAX_YAML_ERRORS]!.message, /399 more YAML errors/);
  });
});
