import type { NftablesModel } from './model';
import { parseNftablesJson } from './parseJson';
import { parseNftablesText } from './parseText';

export type { NftablesModel } from './model';

/** `nft -j` output is one JSON object; everything else nft prints or reads is text. */
export function parseNftables(text: string): NftablesModel {
  const first = /\S/.exec(text.length > 4096 ? text.slice(0, 4096) : text);
  return first && first[0] === '{' ? parseNftablesJson(text) : parseNftablesText(text);
}
