export { parseIpvsadm } from './parse';
export * from './model';
export { canonicalIpv6, hexToDotted, parseDottedQuad } from './address';
