import { dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { parseDocument, type ParsedDocument } from '../node/document';
import type { FactOverrides } from '../node/settings';
import { createSnapshot, type NodeSnapshot } from '../node/snapshot';
import { detectKind } from '../formats/detect';
import { diskReader, nodeOfFolder, type FolderReader, type NodeFile } from '../node/folder';
import { kindForLanguage } from './kinds';

interface CachedParse {
  readonly key: string;
  readonly doc: ParsedDocument;
}

/**
 * Joins an open document with the other files of its node (the folder that holds it): open
 * documents win over disk, disk files are read once per (mtime, size), and every text is parsed
 * once per version. Untitled documents are a node of their own.
 */
export class NodeWorkspace {
  private readonly parsed = new Map<string, CachedParse>();

  constructor(
    private readonly openDocument: (uri: string) => TextDocument | undefined,
    /** The disk (tests give a fake): siblings are listed and read by node/folder.ts, with its skip rules. */
    private readonly reader: FolderReader = diskReader,
  ) {}

  /** Parses (or returns the cached parse of) an open document; undefined when it is not ours. */
  parseOpen(doc: TextDocument): ParsedDocument | undefined {
    const path = pathOf(doc.uri);
    const kind = kindForLanguage(doc.languageId, doc.getText(), path);
    if (!kind) return undefined;
    const key = `open:${doc.version}:${kind}`;
    const hit = this.parsed.get(doc.uri);
    if (hit?.key === key) return hit.doc;
    const parsed = parseDocument({ uri: doc.uri, path, text: doc.getText(), kind });
    this.parsed.set(doc.uri, { key, doc: parsed });
    return parsed;
  }

  /** The parse of this exact version if one exists already (no work is done). */
  cachedParse(doc: TextDocument): ParsedDocument | undefined {
    const hit = this.parsed.get(doc.uri);
    return hit?.key.startsWith(`open:${doc.version}:`) ? hit.doc : undefined;
  }

  forget(uri: string): void {
    this.parsed.delete(uri);
  }

  /** The folder that makes a node, or undefined for documents that are not files. */
  nodeOf(uri: string): string | undefined {
    return uri.startsWith('file:') ? dirname(fileURLToPath(uri)) : undefined;
  }

  snapshotFor(doc: ParsedDocument, overrides: FactOverrides): NodeSnapshot {
    const dir = this.nodeOf(doc.uri);
    if (!dir) return createSnapshot(doc.path, [doc], overrides);
    const members: ParsedDocument[] = [doc];
    for (const f of this.siblingFiles(dir)) {
      const uri = pathToFileURL(f.file).toString();
      if (uri === doc.uri) continue;
      const open = this.openDocument(uri);
      const sibling = open ? this.parseOpen(open) : this.parseDisk(uri, f);
      if (sibling && sibling.kind !== 'unknown') members.push(sibling);
    }
    return createSnapshot(dir, members, overrides);
  }

  /** Open documents that belong to the same node as `uri` (to re-lint them when it changes). */
  nodeMembers(uri: string, open: readonly TextDocument[]): TextDocument[] {
    const dir = this.nodeOf(uri);
    return dir ? open.filter((d) => d.uri !== uri && this.nodeOf(d.uri) === dir) : [];
  }

  /** The folder's files as node/folder.ts lists them (links out of it, loops, FIFOs and giants are left out). */
  private siblingFiles(dir: string): readonly NodeFile[] {
    try {
      return nodeOfFolder(dir, this.reader).nodes[0]?.files ?? [];
    } catch {
      return [];
    }
  }

  private parseDisk(uri: string, f: NodeFile): ParsedDocument | undefined {
    const key = `disk:${f.mtimeMs}:${f.size}`;
    const hit = this.parsed.get(uri);
    if (hit?.key === key) return hit.doc;
    let text: string;
    try {
      text = this.reader.readFile(f.file);
    } catch {
      return undefined;
    }
    const kind = f.kind ?? detectKind(text, f.file).kind;
    const parsed = parseDocument({ uri, path: f.file, text, kind });
    this.parsed.set(uri, { key, doc: parsed });
    return parsed;
  }
}

export function pathOf(uri: string): string {
  if (uri.startsWith('file:')) {
    try {
      return fileURLToPath(uri);
    } catch {
      return uri;
    }
  }
  return uri;
}
