import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { IptablesModel } from '../../server/src/formats/iptables/model';
import { parseDocument, type ParsedDocument } from '../../server/src/node/document';
import { deriveFacts } from '../../server/src/node/facts';
import { updateDocument } from '../../server/src/node/incremental';
import { firstVxlanRule } from '../../server/src/node/vxlanRule';

/** The VXLAN device fact from an iptables dump, kept per table across edits (node/vxlanRule.ts), equals one derived from a fresh parse. */
const TEXT = [
  '*filter',
  ':INPUT ACCEPT [0:0]',
  ':FORWARD ACCEPT [0:0]',
  ':OUTPUT ACCEPT [0:0]',
  '-A INPUT -i eth0 -j ACCEPT',
  '-A FORWARD -i eth1 -j ACCEPT',
  '-A FORWARD -o flannel.1 -j ACCEPT',
  '-A OUTPUT -o eth2 -j ACCEPT',
  'COMMIT',
  '',
].join('\n');

const parse = (text: string): ParsedDocument => parseDocument({ uri: 'file:///n/iptables-save', path: '/n/iptables-save', text, kind: 'iptables' });

function edit(doc: ParsedDocument, find: string, by: string): ParsedDocument {
  const start = doc.text.indexOf(find);
  const text = doc.text.slice(0, start) + by + doc.text.slice(start + find.length);
  const updated = updateDocument(doc, text, { start, oldEnd: start + find.length, newEnd: start + by.length });
  assert.ok(updated, 'a rule-line edit is taken incrementally');
  return updated;
}

function device(doc: ParsedDocument): unknown {
  const f = deriveFacts([doc], {}).vxlanDevice;
  return f && [f.value, f.source.kind === 'document' ? [f.source.span.start, f.source.span.end] : undefined];
}

const firstLine = (doc: ParsedDocument): number | undefined => firstVxlanRule((doc.model as IptablesModel).tables[0]!)?.line;

test('an edit in another chain is looked at alone; an edit of the chain holding the device is read again', () => {
  let doc = parse(TEXT);
  doc = edit(doc, 'eth2', 'eth3');
  assert.equal(firstLine(doc), 6);
  // An earlier rule (another chain) gets a VXLAN device: it is the first now.
  doc = edit(doc, '-i eth0', '-i vxlan.calico');
  assert.equal(firstLine(doc), 4);
  assert.deepEqual(device(doc), device(parse(doc.text)));
  // A later chain's edit leaves it; the device rule edited away gives the next one back.
  doc = edit(doc, 'eth3', 'flannel.2');
  assert.equal(firstLine(doc), 4);
  doc = edit(doc, '-i vxlan.calico', '-i eth0');
  assert.equal(firstLine(doc), 6);
  assert.deepEqual(device(doc), device(parse(doc.text)));
  doc = edit(doc, '-o flannel.1', '-o eth9');
  assert.equal(firstLine(doc), 7);
  assert.deepEqual(device(doc), device(parse(doc.text)));
});
