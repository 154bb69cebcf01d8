/**
 * Benchmark: stream-parse a 1,000,000-entry `conntrack -L` table (~150 MB).
 * Run: node --import tsx bench/conntrack.bench.ts
 * Prints one JSON line on stdout: {"name":"conntrack 1M entries","seconds":...,"peakRssMB":...}
 * (details on stderr). Targets: < 3 s, < 300 MB peak RSS (the text itself is ~150 MB of it).
 *
 * The table is bench/lib/conntrackTable.ts (one flat string, about one copy of the text).
 */
import { parseConntrack } from '../server/src/formats/conntrack/index';
import { conntrackTable, ENTRIES } from './lib/conntrackTable';

const text = conntrackTable();
// Flatten the rope (one copy of the text) before timing: the language server gets flat strings.
if (text.indexOf('\u0000') !== -1) throw new Error('unexpected NUL in generated text');

const c0 = process.cpuUsage();
const t0 = process.hrtime.bigint();
const model = parseConntrack(text);
const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
const cpu = process.cpuUsage(c0);
const peakRssMB = process.resourceUsage().maxRSS / 1024;

if (model.table.total !== ENTRIES || model.problems.length !== 0) {
  console.error(`wrong result: ${model.table.total} entries, ${model.problems.length} problems`);
  process.exitCode = 1;
}
console.error(
  `cpu ${((cpu.user + cpu.system) / 1e6).toFixed(3)} s; text ${(text.length / 1e6).toFixed(1)} MB; tcp ${model.table.byL4.get('tcp')}, udp ${model.table.byL4.get('udp')}, ` +
    `SYN_SENT unreplied ${model.table.synSentUnreplied.total} in ${model.table.synSentUnreplied.groups.length} groups, dnat ${model.table.dnat}`,
);
console.log(JSON.stringify({ name: 'conntrack 1M entries', seconds: Number(seconds.toFixed(3)), peakRssMB: Math.round(peakRssMB) }));
