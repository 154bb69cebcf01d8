import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseAllDocuments } from 'yaml';
import type { Report } from '../../../server/src/engine/lint';
import { RULES, ruleMeta } from '../../../server/src/rules/catalogue';
import type { EditFix } from '../../../server/src/rules/rule';
import { KUBE_PROXY_CM, SERVICE_LIST, jsonForms, jsonLists } from '../../formats/k8s/jsonForms';
import { docExamples } from '../../helpers/docExamples';
import { applyEdits, docExampleOptions, lintText } from '../../helpers/ruleTester';

/**
 * Edit fixes on manifests read from kubectl JSON: each one, applied alone, leaves JSON that
 * JSON.parse accepts, and the fixed text no longer gets the finding it fixed.
 */

interface Case {
  readonly name: string;
  readonly path: string;
  readonly json: string;
  /** The same objects as YAML, to count the fixes that form gets. */
  readonly yaml?: string;
}

const reportsOf = (text: string, path: string): Report[] => lintText(text, { path, kind: 'k8s' }).reports;
const editFixes = (r: Report): EditFix[] => r.fixes.filter((f): f is EditFix => f.kind === 'edit');
const identity = (r: Report): string => `${r.ruleId}: ${r.message}`;

function cases(): Case[] {
  const forms = jsonForms();
  const out: Case[] = [
    { name: 'kubectl get svc -o json (List)', path: 'node/svc.json', json: SERVICE_LIST },
    { name: 'kubectl get cm kube-proxy -o json', path: 'node/kube-proxy.json', json: KUBE_PROXY_CM },
    { name: 'the same, compact', path: 'node/kube-proxy.json', json: JSON.stringify(JSON.parse(KUBE_PROXY_CM)) },
  ];
  for (const f of forms) out.push({ name: `${f.fixture} document ${f.index}`, path: `node/${f.fixture.replace(/^.*\//, '').replace(/\.[^.]+$/, '')}.json`, json: f.json, yaml: f.yaml });
  for (const l of jsonLists(forms)) {
    const path = `node/${l.fixture.replace(/^.*\//, '').replace(/\.[^.]+$/, '')}.json`;
    out.push({ name: `${l.fixture} as a List`, path, json: l.json, yaml: l.yaml });
    out.push({ name: `${l.fixture} as a bare array`, path, json: l.array, yaml: l.yaml });
  }
  return out;
}

describe('edit fixes on kubectl JSON manifests', () => {
  const all = cases();

  it('every fix offered keeps the file JSON and removes its finding', () => {
    let applied = 0;
    const rules = new Set<string>();
    for (const c of all) {
      const before = reportsOf(c.json, c.path);
      // Several objects can get the same message (per-architecture DaemonSets): a fix removes one of them.
      const count = (reports: readonly Report[], id: string): number => reports.filter((x) => identity(x) === id).length;
      for (const r of before) {
        for (const fix of editFixes(r)) {
          const fixed = applyEdits(c.json, fix.edits);
          assert.notEqual(fixed, c.json, `${c.name}: ${r.ruleId} "${fix.title}" changes nothing`);
          assert.doesNotThrow(() => JSON.parse(fixed), `${c.name}: ${r.ruleId} "${fix.title}" breaks the JSON:\n${fixed}`);
          const after = reportsOf(fixed, c.path);
          assert.equal(count(after, identity(r)), count(before, identity(r)) - 1, `${c.name}: ${r.ruleId} "${fix.title}" leaves the finding:\n${fixed}`);
          const newProblems = after.filter((x) => x.ruleId.startsWith('parse/') && count(before, identity(x)) === 0);
          assert.deepEqual(newProblems.map(identity), [], `${c.name}: ${r.ruleId} "${fix.title}" causes parse problems`);
          applied++;
          rules.add(r.ruleId);
        }
      }
    }
    assert.ok(applied >= 20, `${applied} fixes applied`);
    // The fixtures and the samples above reach these rules' fixes (the docs examples below reach every one).
    assert.ok(rules.size >= 8, [...rules].join(', '));
  });

  it('offers the fixes the YAML form offers', () => {
    const missing: string[] = [];
    for (const c of all) {
      if (!c.yaml) continue;
      const path = c.path.replace(/\.json$/, '.yaml');
      const want = reportsOf(c.yaml, path).flatMap((r) => editFixes(r).map((f) => `${r.ruleId}: ${f.title}`)).sort();
      const got = reportsOf(c.json, c.path).flatMap((r) => editFixes(r).map((f) => `${r.ruleId}: ${f.title}`)).sort();
      if (JSON.stringify(want) !== JSON.stringify(got)) missing.push(`${c.name}: yaml ${JSON.stringify(want)} json ${JSON.stringify(got)}`);
    }
    assert.deepEqual(missing, []);
  });
});

/** Every rule on manifests that offers edit fixes (k3s configs are YAML files, never kubectl output). */
const EDIT_RULES = RULES.filter((r) => r.meta.reads === 'k8s' && r.meta.fix === 'edit' && !r.meta.id.startsWith('k3s/')).map((r) => r.meta.id);

/**
 * A docs example's YAML as JSON: one object, or a List of several. Not a k3s config.yaml (its keys
 * are kebab-case: `flannel-backend`): k3s reads only YAML, and a message that quotes a k3s value as
 * written (`flannel-backend: vxlan`) would quote the JSON string.
 */
function asJson(yaml: string): string | undefined {
  const docs = parseAllDocuments(yaml, { version: '1.1' });
  if (!Array.isArray(docs) || docs.some((d) => d.errors.length > 0)) return undefined;
  const values = docs.map((d) => d.toJS() as unknown).filter((v) => v !== null);
  if (values.length === 0 || values.some((v) => typeof v !== 'object' || Array.isArray(v))) return undefined;
  const objects = values as Record<string, unknown>[];
  if (objects.some((o) => Object.keys(o).some((k) => /^[a-z]+(?:-[a-z0-9]+)+$/.test(k)))) return undefined;
  return `${JSON.stringify(values.length === 1 ? values[0] : { apiVersion: 'v1', kind: 'List', items: values }, null, 4)}\n`;
}

describe('edit fixes on the docs examples as kubectl JSON', () => {
  it('covers every rule with edit fixes on manifests', () => {
    assert.ok(EDIT_RULES.length >= 15, EDIT_RULES.join(', '));
  });

  for (const ruleId of EDIT_RULES) {
    it(`${ruleId}: the firing examples fire the same in JSON, and every fix keeps JSON and removes its finding`, () => {
      const meta = ruleMeta(ruleId)!;
      let fixed = 0;
      for (const example of docExamples(ruleId).filter((e) => e.verdict === 'fires')) {
        const json = asJson(example.text);
        if (json === undefined) continue;
        const options = docExampleOptions(example, meta.reads);
        const jsonOptions = { ...options, path: options.path!.replace(/\.[^./]+$/, '') + '.json', only: [ruleId] };
        const lint = (text: string): Report[] => lintText(text, jsonOptions).reports.filter((r) => r.ruleId === ruleId);
        const yamlReports = lintText(example.text, { ...options, only: [ruleId] }).reports.filter((r) => r.ruleId === ruleId);
        const before = lint(json);
        const where = `${ruleId} example at line ${example.line}`;
        assert.deepEqual(before.map(identity).sort(), yamlReports.map(identity).sort(), `${where}: findings`);
        assert.deepEqual(
          before.flatMap((r) => editFixes(r).map((f) => f.title)).sort(),
          yamlReports.flatMap((r) => editFixes(r).map((f) => f.title)).sort(),
          `${where}: fixes offered`,
        );
        for (const r of before) {
          for (const fix of editFixes(r)) {
            const out = applyEdits(json, fix.edits);
            assert.doesNotThrow(() => JSON.parse(out), `${where}: "${fix.title}" breaks the JSON:\n${out}`);
            const after = lint(out);
            const count = (reports: readonly Report[]): number => reports.filter((x) => identity(x) === identity(r)).length;
            assert.equal(count(after), count(before) - 1, `${where}: "${fix.title}" leaves the finding:\n${out}`);
            fixed++;
          }
        }
      }
      assert.ok(fixed > 0, `${ruleId}: no firing example in JSON offered an edit fix`);
    });
  }
});

describe('edit fixes withheld on JSON', () => {
  it('gke/backendconfig-timeout-short does not append a BackendConfig document to a JSON Service (it offers it on YAML)', () => {
    const ingress = 'apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: front\n  annotations:\n    kubernetes.io/ingress.class: gce\nspec:\n  defaultBackend:\n    service:\n      name: chat\n      port:\n        number: 80\n';
    const yaml = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: chat\nspec:\n  ports:\n  - name: ws\n    port: 80\n';
    const json = `${JSON.stringify({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'chat' }, spec: { ports: [{ name: 'ws', port: 80 }] } }, null, 4)}\n`;
    const run = (text: string, path: string): Report[] =>
      lintText(text, { path, kind: 'k8s', node: [{ path: 'node/ingress.yaml', text: ingress }], only: ['gke/backendconfig-timeout-short'] }).reports.filter((r) => r.ruleId === 'gke/backendconfig-timeout-short');
    const [y] = run(yaml, 'node/svc.yaml');
    const [j] = run(json, 'node/svc.json');
    assert.equal(y?.messageId, 'noBackendConfig');
    assert.equal(j?.messageId, 'noBackendConfig');
    assert.equal(identity(j!), identity(y!));
    assert.match(editFixes(y!)[0]?.title ?? '', /^Attach a new BackendConfig chat-backendconfig/);
    assert.deepEqual(editFixes(j!), []);
  });
});
