export type { BridgeLinkModel, BridgePort } from './model';
export { parseBridgeLink } from './parse';
export { bridgeLinkHover, bridgeLinkOutline } from './hover';
