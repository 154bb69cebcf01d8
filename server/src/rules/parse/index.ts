import type { RuleMeta } from '../rule';
import { PARSE_PAGES } from './pages';

/** Parse problem codes as rule metadata: same settings, suppressions and docs links as rules. */
export const PARSE_RULES: readonly RuleMeta[] = PARSE_PAGES.map(({ id, title, severity, reads }) => ({ id, title, severity, reads }));
