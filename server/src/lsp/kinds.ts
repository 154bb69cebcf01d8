import { detectKind } from '../formats/detect';
import { isKnownKind, type KnownKind } from '../formats/kind';

/**
 * Maps an editor language id to the kind we parse. Our own languages map one to one; YAML is
 * shared with other extensions, so a YAML file is ours only when its content is a Kubernetes
 * manifest or a k3s config, and any other YAML is left alone (no diagnostics, no hovers).
 */
export function kindForLanguage(languageId: string, text: string, path: string): KnownKind | undefined {
  if (isKnownKind(languageId) && languageId !== 'k8s') return languageId;
  if (languageId === 'yaml') return detectKind(text, path, { contentOnly: true }).kind === 'k8s' ? 'k8s' : undefined;
  return undefined;
}

