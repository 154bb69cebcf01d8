import { isSeverity, type Severity } from '../core/severity';

export type RuleSetting = Severity | 'off';

/** Facts the user knows better than the dumps (or that no dump in the node shows). */
export interface FactOverrides {
  readonly kernelVersion?: string;
  readonly kubeProxyVersion?: string;
  readonly kubeProxyMode?: string;
  /** Nodes in the cluster, when no Node list is in the folder (sizes the neighbour table). */
  readonly nodeCount?: number;
}

export interface Settings {
  /** Per-rule override: a severity, or `off`. Keys are rule ids. */
  readonly rules: Readonly<Record<string, RuleSetting>>;
  readonly facts: FactOverrides;
}

export const DEFAULT_SETTINGS: Settings = { rules: {}, facts: {} };

/**
 * Reads settings from untrusted JSON (VS Code configuration, a CLI config file): anything
 * malformed is dropped with a note rather than failing the whole lint.
 */
export function readSettings(raw: unknown, notes: string[] = []): Settings {
  const o = isRecord(raw) ? raw : {};
  const rules: Record<string, RuleSetting> = {};
  if (isRecord(o.rules)) {
    for (const [id, v] of Object.entries(o.rules)) {
      if (v === 'off' || isSeverity(v)) rules[id] = v;
      else if (v === false) rules[id] = 'off';
      else notes.push(`rules.${id}: expected off|error|warning|info|hint, got ${JSON.stringify(v)}`);
    }
  }
  const f = isRecord(o.facts) ? o.facts : {};
  const str = (k: string): string | undefined => {
    const v = f[k];
    if (typeof v === 'string' && v.trim()) return v.trim();
    if (v !== undefined && v !== '' && v !== null) notes.push(`facts.${k}: expected a string, got ${JSON.stringify(v)}`);
    return undefined;
  };
  // A positive whole number (a JSON number or a numeric string); 0 and empty mean "not set".
  const count = (k: string): number | undefined => {
    const v = f[k];
    const n = typeof v === 'number' ? v : typeof v === 'string' && /^\s*\d+\s*$/.test(v) ? Number(v) : NaN;
    if (Number.isSafeInteger(n) && n > 0) return n;
    if (v !== undefined && v !== '' && v !== null && v !== 0) notes.push(`facts.${k}: expected a whole number of nodes, got ${JSON.stringify(v)}`);
    return undefined;
  };
  const kernelVersion = str('kernelVersion');
  const kubeProxyVersion = str('kubeProxyVersion');
  const kubeProxyMode = str('kubeProxyMode');
  const nodeCount = count('nodeCount');
  return {
    rules,
    facts: {
      ...(kernelVersion ? { kernelVersion } : {}),
      ...(kubeProxyVersion ? { kubeProxyVersion } : {}),
      ...(kubeProxyMode ? { kubeProxyMode } : {}),
      ...(nodeCount ? { nodeCount } : {}),
    },
  };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
