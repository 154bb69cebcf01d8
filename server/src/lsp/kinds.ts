import { detectKind } from '../formats/detect';
import { isKnownKind, type KnownKind } from '../formats/kind';

/**
 * Maps an editor language id to the kind we parse. Our own languages map one to one; YAML and JSON
 * are shared with other extensions, so such a file is ours only when its content says so (a
 * Kubernetes manifest or k3s config in YAML; in JSON also `kubectl -o json`, `nft -j`, `ip -j`
 * output or flannel's net-conf.json), and any other is left alone (no diagnostics, no hovers).
 */
export function kindForLanguage(languageId: string, text: string, path: string): KnownKind | undefined {
  if (isKnownKind(languageId) && languageId !== 'k8s') return languageId;
  if (languageId === 'yaml') return detectKind(text, path, { contentOnly: true }).kind === 'k8s' ? 'k8s' : undefined;
  if (languageId === 'json' || languageId === 'jsonc') {
    const kind = detectKind(text, path, { contentOnly: true }).kind;
    return kind === 'unknown' ? undefined : kind;
  }
  return undefined;
}

