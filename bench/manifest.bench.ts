/**
 * Benchmark: linting a big manifest whose every finding carries its quick-fix.
 *
 * Rules compute fixes eagerly (diagnostics carry them), and each fix is a comment-preserving YAML
 * edit of the whole file; `formats/k8s/edit.ts` keeps the parsed file, so one fix costs about as
 * much however many come before it. This measures that: a 500 KB file of 3,000 LoadBalancer
 * Services (each reported by k8s/external-traffic-policy-cluster and
 * k8s/internal-traffic-policy-local, 6,000 findings, each with its fix).
 * Reference: parsing the same file (parseDocument), measured alternately in the same run, so
 * ratio = parse / lint (how many parses a full lint with every fix costs, inverted; informational).
 * Run: node --import tsx bench/manifest.bench.ts [--no-fail]
 */
import { parseDocument } from '../server/src/node/document';
import { lintDocument } from '../server/src/engine/lint';
import { DEFAULT_SETTINGS } from '../server/src/node/settings';
import { createSnapshot } from '../server/src/node/snapshot';
import { finish, log, timeResult } from './lib/report';
import { median, timed } from './lib/stats';

const SERVICES = 3000;
const RUNS = 5;

const service = (i: number): string =>
  `apiVersion: v1\nkind: Service\nmetadata:\n  name: chat-${i}\n  # owner: team-${i % 40}\nspec:\n  type: LoadBalancer\n  internalTrafficPolicy: Local\n  ports:\n  - name: ws\n    port: 443\n`;
const text = Array.from({ length: SERVICES }, (_, i) => service(i)).join('---\n');
const source = { uri: 'file:///bench/node-a/services.yaml', path: '/bench/node-a/services.yaml', text };

const parseRuns: number[] = [];
const lintRuns: number[] = [];
let findings = 0;
let withFix = 0;
for (let k = 0; k <= RUNS; k++) {
  const p = timed(() => parseDocument(source));
  const doc = p.value;
  const l = timed(() => lintDocument(doc, createSnapshot('bench', [doc], DEFAULT_SETTINGS.facts), DEFAULT_SETTINGS));
  if (k === 0) continue; // warm-up
  parseRuns.push(p.ms);
  lintRuns.push(l.ms);
  findings = l.value.length;
  withFix = l.value.filter((r) => r.fixes.length > 0).length;
}
log(`${(text.length / 1e3).toFixed(0)} KB, ${SERVICES} Services, ${findings} findings, ${withFix} with a fix`);
log(`parse ms ${parseRuns.map((x) => x.toFixed(0)).join(' ')}; lint ms ${lintRuns.map((x) => x.toFixed(0)).join(' ')}`);
const result = timeResult(`manifest 500 KB: full lint with ${withFix} fixes (reference: parsing it)`, median(lintRuns), median(parseRuns), null, {
  findings,
  withFix,
  lintRuns,
  parseRuns,
});
finish('Manifest lint with every fix', [result]);
if (findings !== SERVICES * 2 || withFix !== findings) {
  log(`expected ${SERVICES * 2} findings, each with a fix`);
  process.exitCode = 2;
}
