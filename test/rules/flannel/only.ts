import { ALL_RULE_META } from '../../../server/src/rules/catalogue';

/** Settings that turn every rule but `id` off: fixture scans then only pay for the rule under test. */
export function only(id: string): { rules: Record<string, 'off'> } {
  return { rules: Object.fromEntries(ALL_RULE_META.filter((m) => m.id !== id && !m.id.startsWith('parse/')).map((m) => [m.id, 'off' as const])) };
}
