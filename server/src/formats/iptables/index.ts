import { headLines } from '../../core/lines';
import type { IptablesModel } from './model';
import { parseIptablesListing } from './parseListing';
import { parseIptablesSave } from './parseSave';

export type { IptablesModel } from './model';

const LISTING_HEAD = /^(?:Chain \S+ \((?:policy|\d+ references)|(?:num\s+)?(?:pkts\s+bytes\s+)?target\s+prot\s+opt)/;

/** Both shapes of iptables state share one model; the head of the text says which reader applies. */
export function parseIptables(text: string): IptablesModel {
  const head = headLines(text, 40);
  const listing = head.some((l) => LISTING_HEAD.test(l)) && !head.some((l) => /^\*[a-z]+$/.test(l));
  return listing ? parseIptablesListing(text) : parseIptablesSave(text);
}
