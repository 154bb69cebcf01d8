import { readFileSync } from 'node:fs';
import { parseK8s } from '../../../server/src/formats/k8s/parse';
const base = readFileSync('test/fixtures/k8s/flannel/flannel-v0.12.0.yml', 'utf8');
for (const mb of [1, 8, 50]) {
  const reps = Math.ceil((mb * 1024 * 1024) / base.length);
  const text = Array(reps).fill(base).join('\n---\n');
  const t0 = performance.now(); const m = parseK8s(text); const t1 = performance.now();
  console.log(`${(text.length/1048576).toFixed(1)} MB: ${(t1-t0).toFixed(0)} ms, docs ${m.documents.length}, problems ${m.problems.map(p=>p.code).join(',')}, heap ${(process.memoryUsage().heapUsed/1048576).toFixed(0)} MB`);
}
const deep = '['.repeat(200000);
const t0 = performance.now(); const m = parseK8s(deep); console.log('deep', (performance.now()-t0).toFixed(0), 'ms', m.problems.length);
const junk = Buffer.from(Array.from({length: 2_000_000}, (_, i) => (i * 7919) % 256)).toString('latin1');
const t2 = performance.now(); const m2 = parseK8s(junk); console.log('junk 2MB', (performance.now()-t2).toFixed(0), 'ms', m2.problems.length);
