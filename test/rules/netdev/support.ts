import { readFixture } from '../../helpers/golden';
import type { NodeFile } from '../../helpers/ruleTester';

/**
 * Draws a `^^^ RULE` marker under the `nth` occurrence of `needle` on the first line containing
 * `lineHas`: real captured dumps stay byte for byte as the kernel printed them.
 */
export function mark(text: string, lineHas: string, needle: string, rule: string): string {
  const lines = text.split('\n');
  const i = lines.findIndex((l) => l.includes(lineHas));
  if (i < 0) throw new Error(`no line with ${lineHas}`);
  const col = lines[i]!.indexOf(needle, lines[i]!.indexOf(lineHas));
  if (col < 0) throw new Error(`no ${needle} on line ${i + 1}`);
  lines.splice(i + 1, 0, `${' '.repeat(col)}${'^'.repeat(needle.length)} ${rule}`);
  return lines.join('\n');
}

/** The captured node (test/fixtures/ip-link/make-fixtures.sh), as a folder's files. */
export function capturedNode(variant: 'flannel-node' | 'mtu-mismatch', except: string): NodeFile[] {
  const files: NodeFile[] = [
    { path: `node/ip-d-link.txt`, text: readFixture(`ip-link/${variant}-ip-d-link-real.txt`) },
    { path: `node/ip-d-addr.txt`, text: readFixture(`ip-addr/${variant}-ip-d-addr-real.txt`) },
    { path: `node/ip-route.txt`, text: readFixture(`ip-route/${variant}-ip-route-table-all-real.txt`) },
    { path: `node/ip-rule.txt`, text: readFixture(`ip-rule/${variant}-ip-rule-real.txt`) },
    { path: `node/bridge-d-link.txt`, text: readFixture(`bridge-link/${variant}-bridge-d-link-real.txt`) },
  ];
  return files.filter((f) => f.path !== except);
}
