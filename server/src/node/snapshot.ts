import type { DocumentKind } from '../formats/kind';
import type { ParsedDocument } from './document';
import { deriveFacts, type NodeFacts } from './facts';
import type { FactOverrides } from './settings';

/**
 * The files of one node read together (one folder = one node). Rules report on one document and
 * look at the others for evidence; facts are derived once here, not by every rule.
 */
export interface NodeSnapshot {
  /** The folder (or other grouping) that makes this a node, for messages. */
  readonly name: string;
  /** The node's folder in the documents' path space (absent for a node without one): messages name files relative to it (node/nodePath.ts). */
  readonly root?: string;
  readonly documents: readonly ParsedDocument[];
  readonly facts: NodeFacts;
  ofKind<K extends DocumentKind>(kind: K): ParsedDocument<K>[];
}

export function createSnapshot(name: string, documents: readonly ParsedDocument[], overrides: FactOverrides, root?: string): NodeSnapshot {
  const facts = deriveFacts(documents, overrides, root);
  return {
    name,
    ...(root !== undefined ? { root } : {}),
    documents,
    facts,
    ofKind<K extends DocumentKind>(kind: K): ParsedDocument<K>[] {
      return documents.filter((d): d is ParsedDocument<K> => d.kind === kind);
    },
  };
}
