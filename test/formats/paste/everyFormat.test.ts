import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ParseProblem } from '../../../server/src/core/problem';
import { parseDocument } from '../../../server/src/node/document';
import type { KnownKind } from '../../../server/src/formats/kind';

/**
 * The paste layer and truncation, the same in every line-oriented format: a dump pasted the way
 * people share it (a quote's TAB, a shell prompt, kubectl's lines, markdown fences) is read as the
 * clean dump with one note per cause; a dump cut mid-line says so once, as info, with "truncated".
 */
const ROOT = join(__dirname, '../../..');
const read = (p: string): string => readFileSync(join(ROOT, p), 'utf8').replace(/\r\n/g, '\n');

interface Case {
  readonly name: string;
  readonly kind: KnownKind;
  readonly text: string;
  /** The command a prompt shows before this output. */
  readonly command: string;
  /** A number the model must keep whatever the decoration (rules, entries, features, ...). */
  readonly size: (text: string) => number;
  /** The output indents its own lines, so a quote's indentation is not told apart (conntrack -E pads event lines). */
  readonly noIndentNote?: boolean;
}

const parse = (kind: KnownKind, text: string) => parseDocument({ uri: `node/x.${kind}`, path: `node/x.${kind}`, text, kind });
const problemsOf = (kind: KnownKind, text: string): readonly ParseProblem[] => parse(kind, text).model.problems;

const CASES: readonly Case[] = [
  {
    name: 'iptables-save',
    kind: 'iptables',
    text: read('examples/vxlan-63s-delay/iptables-save.txt'),
    command: 'sudo iptables-save',
    size: (t) => (parse('iptables', t).model as unknown as { tables: { rules: unknown[] }[] }).tables.reduce((n, x) => n + x.rules.length, 0),
  },
  {
    name: 'iptables -L listing',
    kind: 'iptables',
    text: read('test/fixtures/iptables-list/k8s-ipvs-readme-nat-nL-externalip-physdev.txt'),
    command: 'sudo iptables -t nat -L -n',
    size: (t) => (parse('iptables', t).model as unknown as { tables: { rules: unknown[] }[] }).tables.reduce((n, x) => n + x.rules.length, 0),
  },
  {
    name: 'ipvsadm -Ln',
    kind: 'ipvsadm',
    text: read('examples/ipvs-conn-reuse/ipvsadm-Ln.txt'),
    command: 'sudo ipvsadm -Ln',
    size: (t) => (parse('ipvsadm', t).model as unknown as { services: { realServers: unknown[] }[] }).services.reduce((n, s) => n + 1 + s.realServers.length, 0),
  },
  {
    name: 'conntrack -L',
    kind: 'conntrack',
    text: read('test/fixtures/conntrack/conntrack-tools-manual-L-v0.9.7-acct-secmark.txt'),
    command: 'sudo conntrack -L',
    size: (t) => (parse('conntrack', t).model as unknown as { table: { total: number } }).table.total,
    noIndentNote: true,
  },
  {
    name: 'sysctl -a',
    kind: 'sysctl',
    text: read('examples/ipvs-conn-reuse/sysctl-a.txt'),
    command: 'sudo sysctl -a',
    size: (t) => (parse('sysctl', t).model as unknown as { entries: unknown[] }).entries.length,
  },
  {
    name: 'ethtool -k',
    kind: 'ethtool',
    text: read('examples/healthy-node/ethtool-k-flannel.1.txt'),
    command: 'sudo ethtool -k flannel.1',
    size: (t) => (parse('ethtool', t).model as unknown as { interfaces: { features: unknown[] }[] }).interfaces.reduce((n, i) => n + i.features.length, 0),
  },
];

/** The same output as someone pastes it into an issue: inside a fence, after prompts and kubectl's lines, every line indented by a TAB. */
function decorate(c: Case): string {
  const lines = [
    '```',
    `user@node-1:~$ ${c.command}`,
    'Defaulted container "kube-proxy" out of: kube-proxy, init',
    ...c.text.replace(/\n$/, '').split('\n'),
    'command terminated with exit code 1',
    '```',
  ];
  return `root@node-1:~# sudo -i\n${lines.map((l) => (l ? `\t${l}` : l)).join('\n')}\n`;
}

const key = (p: ParseProblem): string => `${p.code} ${p.message}`;

describe('a decorated paste reads as the clean dump, with one note per cause (every format)', () => {
  for (const c of CASES) {
    it(c.name, () => {
      const clean = problemsOf(c.kind, c.text);
      const pasted = decorate(c);
      const problems = problemsOf(c.kind, pasted);
      assert.equal(c.size(pasted), c.size(c.text), 'the same model');
      assert.ok(c.size(c.text) > 0);
      assert.deepEqual(problems.filter((p) => p.code !== 'parse/paste').map(key), clean.filter((p) => p.code !== 'parse/paste').map(key));
      const notes = problems.filter((p) => p.code === 'parse/paste');
      for (const n of notes) assert.equal(n.severity, 'info');
      const causes = notes.map((n) => /indented|shell prompt|kubectl|markdown code fence|elision|terminal/.exec(n.message)?.[0] ?? n.message);
      assert.deepEqual([...causes].sort(), [...new Set(causes)].sort(), 'one note per cause');
      for (const cause of ['shell prompt', 'kubectl', 'markdown code fence', ...(c.noIndentNote ? [] : ['indented'])]) assert.ok(causes.includes(cause), `${cause} noted: ${causes.join(', ')}`);
      assert.match(notes.find((n) => n.message.includes('kubectl'))!.message, /^2 lines printed by kubectl/);
    });
  }
});

/**
 * The same output as other pastes carry it: quoted in a reply ('> ', with '>' alone for its blank
 * lines) inside an issue's `<details>` block, after a prompt and before the bare prompt a
 * terminal copy ends with; or numbered by `cat -n`.
 */
const QUOTED = (c: Case): string => {
  const lines = ['<details>', '<summary>output</summary>', '', '<pre>', `root@node-1:~# ${c.command}`, ...c.text.replace(/\n$/, '').split('\n'), 'root@node-1:~# ', '</pre>', '</details>'];
  return `${lines.map((l) => (l ? `> ${l}` : '>')).join('\n')}\n`;
};
const NUMBERED = (c: Case): string => `${c.text.replace(/\n$/, '').split('\n').map((l, k) => `${String(k + 1).padStart(6)}\t${l}`).join('\n')}\n`;

describe('a quoted, wrapped or numbered paste reads as the clean dump, with one note per cause (every format)', () => {
  for (const c of CASES) {
    for (const [how, decorateAs, expected] of [
      ['quoted in <details>', QUOTED, ['quoted', 'HTML', 'shell prompt']],
      ['numbered by cat -n', NUMBERED, ['line number']],
    ] as const) {
      it(`${c.name}, ${how}`, () => {
        const clean = problemsOf(c.kind, c.text);
        const pasted = decorateAs(c);
        assert.equal(parseDocument({ uri: 'node/x.txt', path: 'node/x.txt', text: pasted }).kind, c.kind, 'detected as its format');
        assert.equal(c.size(pasted), c.size(c.text), 'the same model');
        const problems = problemsOf(c.kind, pasted);
        assert.deepEqual(problems.filter((p) => p.code !== 'parse/paste').map(key), clean.filter((p) => p.code !== 'parse/paste').map(key));
        const notes = problems.filter((p) => p.code === 'parse/paste').map((n) => n.message);
        for (const cause of expected) assert.ok(notes.some((m) => m.includes(cause)), `${cause} noted: ${notes.join(' | ')}`);
      });
    }
  }
});

describe('a dump cut mid-line says "truncated" once, as info (every format)', () => {
  for (const c of CASES) {
    it(c.name, () => {
      const text = c.text.replace(/\n+$/, '');
      const lastLine = text.lastIndexOf('\n') + 1;
      // Cut at several places of the last rule/entry line (for iptables-save: the last line before COMMIT).
      const body = c.name === 'iptables-save' ? text.slice(0, text.lastIndexOf('\nCOMMIT')) : text;
      const from = c.name === 'iptables-save' ? body.lastIndexOf('\n') + 1 : lastLine;
      const line = body.slice(from);
      // Every place in that line: a cut the text shows is one info "truncated" note, never an error;
      // a cut that leaves a valid line (a number cut short) cannot be seen and says nothing.
      let seen = 0;
      for (let at = 1; at < line.length; at++) {
        const cut = body.slice(0, from + at);
        const problems = problemsOf(c.kind, cut);
        const truncated = problems.filter((p) => /-truncated$/.test(p.code));
        assert.ok(truncated.length <= 1, `${JSON.stringify(cut.slice(from))}: ${problems.map(key).join(' | ')}`);
        if (truncated.length === 1) {
          seen++;
          assert.equal(truncated[0]!.severity, 'info');
          assert.match(truncated[0]!.message, /truncated/);
        }
        // Nothing louder than the note sits at the cut. (What the cut leaves earlier in the line, a
        // module whose option was cut off, is still reported where it is.)
        const loud = problems.filter((p) => p.severity !== 'info' && p.severity !== 'hint' && !/-truncated$|^parse\/paste$/.test(p.code) && p.span.end >= cut.length);
        assert.deepEqual(loud.map(key), [], `nothing but the note about the cut at ${JSON.stringify(cut.slice(from))}`);
      }
      assert.ok(seen > 0, 'some cut is seen');
      // Cut three characters into the line: always seen.
      const early = problemsOf(c.kind, body.slice(0, from + 3)).filter((p) => /-truncated$/.test(p.code));
      assert.equal(early.length, 1, JSON.stringify(body.slice(from, from + 3)));
    });
  }

  it('a terminal that chopped every row (less -S) says it once, with the count (listing, ipvsadm)', () => {
    for (const c of CASES.filter((x) => x.name === 'iptables -L listing' || x.name === 'ipvsadm -Ln')) {
      // Rows chopped right after their first columns (target/prot, -> address).
      const chopped = c.text
        .split('\n')
        .map((l) => (/^(?:DNAT|KUBE-|ACCEPT|MASQUERADE|RETURN|MARK)\S*\s|^\s+->\s+\d/.test(l) ? l.slice(0, l.search(/\S/) + 16).trimEnd() : l))
        .join('\n');
      const problems = problemsOf(c.kind, chopped);
      const truncated = problems.filter((p) => /-truncated$/.test(p.code));
      assert.equal(truncated.length, 1, `${c.name}: ${problems.map(key).join(' | ')}`);
      assert.match(truncated[0]!.message, /; \d+ more places are cut short the same way$/);
    }
  });
});
