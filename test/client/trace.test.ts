import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseDocument, type ParsedDocument } from '../../server/src/node/document';
import { answerTrace, type EditorTraceResult } from '../../server/src/lsp/traceRequest';
import { esc, tracePictureHtml } from '../../client/src/trace/html';
import { stepAt, stepMarks, traceTree, type TraceNode } from '../../client/src/trace/model';
import { pushHistory } from '../../client/src/trace/history';

/**
 * The editor's trace views as pure data: the tree model and step marks (from a real trace of
 * examples/healthy-node), and the webview's HTML builder against a dump crafted to inject markup.
 */
const root = join(__dirname, '..', '..');

function node(dir: string, files?: Record<string, string>): ParsedDocument[] {
  const entries = files ? Object.entries(files) : readdirSync(dir).map((f) => [f, readFileSync(join(dir, f), 'utf8')] as const);
  return entries.map(([name, text]) => {
    const path = join(dir, name);
    return parseDocument({ uri: pathToFileURL(path).toString(), path, text });
  });
}

function traced(documents: ParsedDocument[], packet: string, from = 'pod'): EditorTraceResult {
  const a = answerTrace({ uri: documents[0]!.uri, packet, from }, documents);
  assert.ok('result' in a, JSON.stringify(a));
  return a.result;
}

const healthy = (): EditorTraceResult => traced(node(join(root, 'examples', 'healthy-node')), 'udp 10.244.0.2 -> 10.96.0.10:53');

const walk = (nodes: readonly TraceNode[]): TraceNode[] => nodes.flatMap((n) => [n, ...walk(n.children)]);

describe('trace tree model', () => {
  it('one node per path (most likely first) with hooks → chains → numbered steps, the verdict and NAT', () => {
    const r = healthy();
    const tree = traceTree(r);
    assert.deepEqual(tree.map((n) => n.kind), ['info', 'path', 'path', 'assumptions']);
    assert.equal(tree[0]!.label, 'udp 10.244.0.2:40000 -> 10.96.0.10:53 from pod');
    assert.equal(tree[0]!.description, 'ACCEPT');
    assert.deepEqual(tree.slice(1, 3).map((n) => [n.label, n.description]), [
      ['path 1: 50%', 'ACCEPT, DNAT 10.244.1.7:53'],
      ['path 2: 50%', 'ACCEPT, DNAT 10.244.2.4:53, SNAT masquerade'],
    ]);
    const p1 = tree[1]!;
    assert.deepEqual(p1.children.map((c) => `${c.kind}:${c.label}`), ['hook:PREROUTING', 'hook:FORWARD', 'hook:POSTROUTING', 'verdict:ACCEPT']);
    const pre = p1.children[0]!;
    assert.deepEqual(pre.children.map((c) => c.label), [
      '#1 conntrack (priority -200): state NEW, first packet of a connection: the nat table will be consulted',
      'mangle PREROUTING',
      'nat PREROUTING',
      'nat KUBE-SERVICES',
      'nat KUBE-SVC-TCOU7JCQXEZGVUNU',
      'nat KUBE-SEP-O5LSP4IVD436RT3J',
      '#7 routing: forwarded out by eth0 (ip_forward = 1)',
    ]);
    const svc = pre.children[3]!.children[0]!;
    assert.equal(svc.label, '#4 jump KUBE-SVC-TCOU7JCQXEZGVUNU');
    assert.equal(svc.description, 'iptables-save.txt:52');
    assert.equal(svc.location!.range.start.line, 51);
    // Every step of the path is in the tree once, numbered 1..n in order.
    const steps = walk(p1.children).filter((n) => n.kind === 'step').map((n) => n.step);
    assert.deepEqual(steps, r.paths[0]!.steps.map((_s, i) => i + 1));
    // The top-level assumptions are flagged.
    const as = tree[3]!;
    assert.equal(as.assumed, true);
    assert.ok(as.children.some((c) => /source port assumed 40000/.test(c.label)));
  });

  it('a single path shows its hooks at the top; assumed steps are flagged with their notes', () => {
    const docs = node('/tmp/knl-node', {
      'iptables-save.txt': '*filter\n:INPUT ACCEPT [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n-A FORWARD -m foo --bar 1 -j ACCEPT\nCOMMIT\n',
    });
    const r = traced(docs, 'tcp 10.0.0.1 -> 10.0.0.2:80');
    const tree = traceTree(r);
    assert.deepEqual(tree.map((n) => n.label).slice(0, 3), [r.paths.length === 1 ? 'tcp 10.0.0.1:40000 -> 10.0.0.2:80 from pod' : '', 'PREROUTING', 'FORWARD']);
    assert.deepEqual(tree.map((n) => n.kind), ['info', 'hook', 'hook', 'verdict', 'assumptions']);
    const step = walk(tree).find((n) => n.kind === 'step' && n.label.includes('ACCEPT') && n.assumed)!;
    assert.ok(step, 'the rule with an unknown match is an assumed step');
    assert.match(step.children[0]!.label, /-m foo --bar 1 is not simulated: assumed to match/);
  });

  it('marks: one per line per document, step numbers joined when a line is met twice, assumed flagged', () => {
    const r = healthy();
    const marks = stepMarks(r.paths[0]!);
    const uris = [...marks.keys()].map((u) => u.slice(u.lastIndexOf('/') + 1)).sort();
    assert.deepEqual(uris, ['iptables-save.txt', 'sysctl-a.txt']);
    const ipt = [...marks.entries()].find(([u]) => u.endsWith('iptables-save.txt'))![1];
    assert.deepEqual(ipt.map((m) => m.line), [...ipt.map((m) => m.line)].sort((a, b) => a - b));
    const svc = ipt.find((m) => m.line === 51)!;
    assert.equal(svc.text, '#4 jump KUBE-SVC-TCOU7JCQXEZGVUNU');
    // KUBE-SERVICES is jumped to from nat PREROUTING and filter FORWARD: different lines, different marks.
    assert.equal(new Set(ipt.map((m) => m.line)).size, ipt.length);

    const docs = node('/tmp/knl-node', {
      'iptables-save.txt': '*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:X - [0:0]\n-A FORWARD -j X\n-A FORWARD -j X\n-A X -p tcp -j RETURN\nCOMMIT\n',
    });
    const twice = stepMarks(traced(docs, 'tcp 10.0.0.1 -> 10.0.0.2:80').paths[0]!);
    const x = [...twice.values()][0]!.find((m) => m.line === 7)!;
    assert.deepEqual(x.steps.length, 2);
    assert.match(x.text, /^#\d+ #\d+ RETURN$/);
    assert.equal(stepAt(healthy(), 0, 4)?.chain, 'KUBE-SERVICES');
    assert.equal(stepAt(healthy(), 0, 99), undefined);
    assert.equal(stepAt(healthy(), 0.5, 1), undefined);
  });

  it('history keeps the recent packets, most recent first, without duplicates, bounded', () => {
    assert.deepEqual(pushHistory(['b', 'a'], 'a'), ['a', 'b']);
    assert.deepEqual(pushHistory(['c', 'b', 'a'], 'd', 3), ['d', 'c', 'b']);
  });
});

describe('trace picture (webview HTML)', () => {
  const NONCE = 'dGVzdC1ub25jZS0xMjM0NTY3OA==';
  const EVIL = '<img/src=x/onerror=alert(1)>';
  const hostile = (): EditorTraceResult => {
    const docs = node('/tmp/knl-"evil"', {
      'iptables-save.txt': [
        '*nat',
        ':PREROUTING ACCEPT [0:0]',
        ':POSTROUTING ACCEPT [0:0]',
        `:${EVIL} - [0:0]`,
        `-A PREROUTING -p tcp -m comment --comment "</script><script>alert(2)</script>" -j ${EVIL}`,
        `-A ${EVIL} -p tcp -j DNAT --to-destination 10.0.0.9:80`,
        '-A PREROUTING -j "<svg/onload=alert(3)>"',
        'COMMIT',
        '',
      ].join('\n'),
    });
    return traced(docs, 'tcp 10.0.0.1 -> 10.0.0.2:80');
  };

  it('escapes every text of the dump: a chain named <img/src=x/onerror=…> is inert text', () => {
    const r = hostile();
    assert.ok(r.paths[0]!.steps.some((s) => s.chain === EVIL), 'the hostile chain is on the path');
    const html = tracePictureHtml(r, { nonce: NONCE, title: '/tmp/<script>' });
    assert.ok(!html.includes('<img'), 'no img element');
    assert.ok(!html.includes('<svg'), 'no svg element');
    assert.ok(html.includes(esc(EVIL)), 'the name is shown, escaped');
    assert.ok(html.includes('&lt;script&gt;'), 'the title is escaped');
    const tags = new Set([...html.matchAll(/<([a-zA-Z][\w-]*)/g)].map((m) => m[1]!.toLowerCase()));
    assert.deepEqual([...tags].sort(), ['body', 'div', 'h1', 'h2', 'head', 'html', 'li', 'meta', 'script', 'section', 'span', 'style', 'title', 'ul']);
    // Only the page's own script and style, each with the nonce; no attribute loads anything.
    assert.deepEqual([...html.matchAll(/<script[^>]*>/g)].map((m) => m[0]), [`<script nonce="${NONCE}">`]);
    assert.deepEqual([...html.matchAll(/<style[^>]*>/g)].map((m) => m[0]), [`<style nonce="${NONCE}">`]);
    assert.doesNotMatch(html, /\s(?:src|href|on\w+|style)\s*=/i);
    assert.doesNotMatch(html, /https?:|url\(/i);
  });

  it('has a strict Content-Security-Policy by nonce, and refuses a malformed nonce', () => {
    const html = tracePictureHtml(hostile(), { nonce: NONCE });
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1];
    assert.equal(csp, `default-src 'none'; style-src 'nonce-${NONCE}'; script-src 'nonce-${NONCE}'; img-src 'none'; font-src 'none'; connect-src 'none'; frame-src 'none'; form-action 'none'`);
    assert.throws(() => tracePictureHtml(hostile(), { nonce: `x' 'unsafe-inline` }), /nonce/);
    assert.throws(() => tracePictureHtml(hostile(), { nonce: 'short' }), /nonce/);
  });

  it('draws each path with its probability, hooks, chains, numbered steps, NAT and verdict; clickable steps carry numbers only', () => {
    const r = healthy();
    const html = tracePictureHtml(r, { nonce: NONCE });
    const sections = html.split('<section class="path"').slice(1);
    assert.equal(sections.length, 2);
    assert.match(sections[0]!, /path 1 of 2 · 50% · <span class="verdict-ACCEPT">ACCEPT<\/span>/);
    assert.ok(sections[1]!.includes('<div class="nat">DNAT 10.244.2.4:53, SNAT masquerade</div>'));
    const order = ['PREROUTING', 'nat KUBE-SERVICES', 'DNAT 10.244.1.7:53', 'FORWARD', 'POSTROUTING', 'class="end verdict-ACCEPT"'].map((t) => sections[0]!.indexOf(t));
    assert.ok(order.every((i, k) => i >= 0 && (k === 0 || i > order[k - 1]!)), `flow order: ${order.join(', ')}`);
    assert.match(sections[0]!, /<div class="step" data-path="0" data-step="4"><span class="n">#4<\/span>jump KUBE-SVC-TCOU7JCQXEZGVUNU<span class="where">iptables-save\.txt:52<\/span><\/div>/);
    for (const m of html.matchAll(/data-(?:path|step)="([^"]*)"/g)) assert.match(m[1]!, /^\d+$/);
    // Assumptions are flagged.
    assert.match(html, /class="assumed flag">assumed for the whole trace:/);
    assert.match(html, /\.shares > \.share:nth-child\(1\) \{ width: 50%; \}/);
  });
});
