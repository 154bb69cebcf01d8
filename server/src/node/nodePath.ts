import { basename, isAbsolute, relative } from 'node:path';
import type { ParsedDocument } from './document';
import type { NodeSnapshot } from './snapshot';

/**
 * How a message names a file of the node: by its path inside the node folder (`sysctl-a.txt`,
 * `sos_commands/kernel/sysctl_-a`), never by where the folder happens to be on this machine
 * (`/tmp/x/node-1/sysctl-a.txt` says nothing to the reader of a shared report and leaks the
 * machine's layout). Related information keeps URIs: those are locations, not text.
 */

/** The path of a file inside its node folder (its name for a file outside it, such as a sysdump's cluster manifests). */
export function pathInNode(root: string, filePath: string): string {
  const r = relative(root, filePath);
  return r === '' || r.startsWith('..') || isAbsolute(r) ? basename(filePath) : r.split('\\').join('/');
}

/** A document's name in messages and hovers: relative to the node's root; as given when the node has no folder (a test, an untitled document). */
export function nodePath(doc: Pick<ParsedDocument, 'path'>, node: Pick<NodeSnapshot, 'root'> | undefined): string {
  const root = node?.root;
  return root === undefined ? doc.path : pathInNode(root, doc.path);
}
