import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { readSettings, type Settings } from '../node/settings';
import { ruleMeta } from '../rules/catalogue';
import type { CheckArgs } from './checkArgs';

/** Names a config file may have, looked for in this order in each folder from the path upward. */
export const CONFIG_NAMES = ['.kube-netlint.yaml', '.kube-netlint.yml', '.kube-netlint.json'] as const;

/** A config file that cannot be used: the run stops with exit 2 (a CI gate must not run on other settings). */
export class ConfigError extends Error {}

/**
 * The extension's settings as a file: `{ rules: {ID: off|error|warning|info|hint}, facts: {...} }`,
 * or the keys exactly as in VS Code's settings.json (`"kubeNetlint.rules"`, `"kubeNetlint.facts.kernelVersion"`),
 * so a team can copy one into the other. JSON or YAML (JSON is YAML, but `.json` is read as JSON
 * so its error messages point at JSON).
 */
export function readConfigFile(path: string, notes: string[]): Settings {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ConfigError(`cannot read config ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  let raw: unknown;
  try {
    raw = path.endsWith('.json') ? JSON.parse(text) : parseYaml(text, { maxAliasCount: 100 });
  } catch (e) {
    throw new ConfigError(`cannot parse config ${path}: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
  }
  if (raw === null || raw === undefined) raw = {};
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new ConfigError(`config ${path}: expected a mapping with 'rules' and 'facts'`);
  const local: string[] = [];
  const settings = readSettings(fromVsCodeKeys(raw as Record<string, unknown>), local);
  for (const id of Object.keys(settings.rules)) if (!ruleMeta(id)) local.push(`rules.${id}: no such rule (ignored)`);
  for (const n of local) notes.push(`${path}: ${n}`);
  return settings;
}

const VSCODE_PREFIX = 'kubeNetlint.';

/** `{"kubeNetlint.rules": {...}, "kubeNetlint.facts.kernelVersion": "..."}` → `{rules, facts: {kernelVersion}}`. */
function fromVsCodeKeys(raw: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...raw };
  const facts: Record<string, unknown> = typeof raw.facts === 'object' && raw.facts !== null ? { ...(raw.facts as Record<string, unknown>) } : {};
  for (const [k, v] of Object.entries(raw)) {
    if (!k.startsWith(VSCODE_PREFIX)) continue;
    const rest = k.slice(VSCODE_PREFIX.length);
    if (rest === 'rules') out.rules = v;
    else if (rest.startsWith('facts.')) facts[rest.slice('facts.'.length)] = v;
  }
  out.facts = facts;
  return out;
}

/**
 * The config file that applies to a path: the first CONFIG_NAMES file in its folder or a folder
 * above, stopping after the folder that holds `.git` (the repository's root) or at the filesystem root.
 */
export function findConfig(path: string): string | undefined {
  let dir = resolve(path);
  try {
    if (!statSync(dir).isDirectory()) dir = dirname(dir);
  } catch {
    dir = dirname(dir);
  }
  for (;;) {
    for (const name of CONFIG_NAMES) {
      const candidate = join(dir, name);
      if (existsSync(candidate)) return candidate;
    }
    if (existsSync(join(dir, '.git'))) return undefined;
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

/** Command-line settings, applied over the file's (a flag is the most specific thing a user says). */
export function overlay(file: Settings, args: Omit<CheckArgs, 'paths'>): Settings {
  return {
    rules: { ...file.rules, ...(args.rules ?? {}) },
    facts: {
      ...file.facts,
      ...(args.kernel ? { kernelVersion: args.kernel } : {}),
      ...(args.kubeProxyVersion ? { kubeProxyVersion: args.kubeProxyVersion } : {}),
      ...(args.nodeCount ? { nodeCount: args.nodeCount } : {}),
    },
  };
}

/**
 * Settings per node folder: `--config FILE` for all, else the file found upward from each folder
 * (each file read once). Notes (ignored keys) go to `notes`; an unusable file throws ConfigError.
 */
export function settingsResolver(args: Omit<CheckArgs, 'paths'>, notes: string[]): (nodePath: string) => Settings {
  const files = new Map<string, Settings>();
  const load = (file: string): Settings => {
    let s = files.get(file);
    if (!s) files.set(file, (s = readConfigFile(file, notes)));
    return s;
  };
  const explicit = args.config !== undefined ? overlay(load(args.config), args) : undefined;
  const byFile = new Map<string | undefined, Settings>();
  return (nodePath) => {
    if (explicit) return explicit;
    const file = findConfig(nodePath);
    let s = byFile.get(file);
    if (!s) byFile.set(file, (s = overlay(file ? load(file) : { rules: {}, facts: {} }, args)));
    return s;
  };
}
