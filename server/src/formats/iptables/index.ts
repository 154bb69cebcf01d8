import { headLines, withoutGutter } from '../../core/lines';
import type { IptablesModel } from './model';
import { parseIptablesListing } from './parseListing';
import { parseIptablesSave } from './parseSave';
import type { ParseProblem } from '../../core/problem';
import { cutAtEnd } from '../paste';

export type { IptablesModel } from './model';

const LISTING_HEAD = /^(?:Chain \S+ \((?:policy|\d+ references)|(?:num\s+)?(?:pkts\s+bytes\s+)?target\s+prot\s+opt)/;

/** Both shapes of iptables state share one model; the head of the text says which reader applies. */
export function parseIptables(text: string): IptablesModel {
  // Seen through a paste's gutter (a reply's '> ', `cat -n`), as the paste layer reads the lines.
  const head = headLines(text, 40).map(withoutGutter);
  const listing = head.some((l) => LISTING_HEAD.test(l)) && !head.some((l) => /^\*[a-z]+$/.test(l));
  const model = listing ? parseIptablesListing(text) : parseIptablesSave(text);
  // A paste cut inside its last line: one truncation note (paste.ts), in both variants.
  cutAtEnd(text, model.problems as ParseProblem[], 'parse/iptables-truncated', ['parse/iptables-syntax', 'parse/iptables-listing', 'parse/iptables-unterminated-quote', 'parse/iptables-undeclared-chain']);
  return model;
}
