import type { RuleMeta } from '../rule';

/**
 * Parse problems are reported like rule findings (same settings, suppressions, docs links), so
 * each problem code the readers emit is declared here with its docs page.
 */
export const PARSE_RULES: readonly RuleMeta[] = [
  { id: 'parse/iptables-syntax', title: 'iptables-save text that iptables-restore would reject', severity: 'error', reads: 'iptables' },
  { id: 'parse/iptables-unterminated-quote', title: 'Quote opened in an iptables rule and never closed', severity: 'warning', reads: 'iptables' },
  { id: 'parse/iptables-undeclared-chain', title: 'Rule appended to a chain the table never declares', severity: 'warning', reads: 'iptables' },
  { id: 'parse/unknown-format', title: 'File kube-netlint cannot identify', severity: 'info', reads: 'unknown' },
];
