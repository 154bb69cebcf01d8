export type { IpRule, IpRuleModel } from './model';
export { parseIpRule } from './parse';
export { ipRuleHover, ipRuleOutline } from './hover';
