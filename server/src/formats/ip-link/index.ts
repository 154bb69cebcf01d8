export type { AttrSection, IpAddress, IpLink, IpLinkModel, SectionAttr } from './model';
export { parseLinkDump, type LinkDumpKind } from './parse';
export { ENCAP_OVERHEAD, findLink, isOverlay, isVeth, linkAttr, overlayLowerDevice } from './query';
export { attr, hasFlag, intValue, readAttrs, words, type Attr, type ArityTable } from './words';

import type { IpLinkModel } from './model';
import { parseLinkDump } from './parse';

/** `ip [-d] link` output (also `ip -j` JSON and ifconfig). */
export function parseIpLink(text: string): IpLinkModel {
  return parseLinkDump(text, 'ip-link');
}
