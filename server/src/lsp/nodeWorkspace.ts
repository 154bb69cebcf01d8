import { dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { parseDocument, type ParsedDocument } from '../node/document';
import { updateDocument, type TextChange } from '../node/incremental';
import type { LineIndex } from '../core/lineIndex';
import type { FactOverrides } from '../node/settings';
import { createSnapshot, type NodeSnapshot } from '../node/snapshot';
import { detectKind } from '../formats/detect';
import { diskReader, nodeKeyOf, nodeOfFile, type FolderReader, type NodeFile } from '../node/folder';
import { kindForLanguage } from './kinds';

/** The biggest table `updatedOpen` reads again at once (~50 ms); a bigger one waits for a pause in typing. */
const QUICK_TABLE_BUDGET = 1_000_000;

interface CachedParse {
  readonly key: string;
  readonly doc: ParsedDocument;
}

/** One node's snapshot, kept until a file it read (or might read) changes. */
interface CachedSnapshot {
  readonly snapshot: NodeSnapshot;
  readonly overrides: FactOverrides;
  /** Every file the snapshot read, as URIs, with the version of the open document read (undefined: read from disk). */
  readonly members: ReadonlyMap<string, number | undefined>;
  /** The node's folders: a new file in one of them joins the node. */
  readonly folders: ReadonlySet<string>;
}

/**
 * Joins an open document with the other files of its node (the folder that holds it, or the
 * support bundle it sits in: node/folder.ts): open documents win over disk, disk files are read
 * once per (mtime, size), and every text is parsed once per version. Untitled documents are a node
 * of their own.
 *
 * One snapshot per node is kept: the node's facts are derived once and every lint of its documents
 * reads them, until `invalidate` is told of a change to a file of that node (an open document
 * edited, opened or closed; a file changed on disk). Listing a bundle and deriving facts on every
 * lint of every open document cost more than the lint on small dumps.
 */
export class NodeWorkspace {
  private readonly parsed = new Map<string, CachedParse>();
  private readonly snapshots = new Map<string, CachedSnapshot>();
  /** Folder → its node's key (the folder, or the bundle root holding it). */
  private readonly nodeKeys = new Map<string, string>();
  /** Snapshots built (each derives the node's facts once): read by tests through kube-netlint/stats. */
  snapshotsBuilt = 0;

  constructor(
    private readonly openDocument: (uri: string) => TextDocument | undefined,
    /** The disk (tests give a fake): the node is listed and read by node/folder.ts, with its skip rules. */
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
    const parsed = this.updateOpen(hit, doc, kind) ?? parseDocument({ uri: doc.uri, path, text: doc.getText(), kind });
    this.edits?.rebase(doc.uri);
    this.parsed.set(doc.uri, { key, doc: parsed });
    // A new text (an edit, or opened over its disk copy) changes what its node's snapshot read.
    this.invalidate(doc.uri);
    return parsed;
  }

  /**
   * Where open documents changed since a version (lsp/openDocuments.ts): with it, the parse of the
   * previous version is updated where the edit touched it (node/incremental.ts) instead of parsing
   * the whole text again.
   */
  edits: { changeSince(uri: string, version: number): { readonly change: TextChange; readonly lines: LineIndex } | undefined; rebase(uri: string): void } | undefined;

  /**
   * The parse of an open document's current version if it exists or the previous version's parse
   * can be brought up to date by the edits since (cheap); undefined when only a full parse would do.
   */
  updatedOpen(doc: TextDocument): ParsedDocument | undefined {
    const cached = this.cachedParse(doc);
    if (cached) return cached;
    const kind = kindForLanguage(doc.languageId, doc.getText(), pathOf(doc.uri));
    const hit = this.parsed.get(doc.uri);
    const updated = kind ? this.updateOpen(hit, doc, kind, QUICK_TABLE_BUDGET) : undefined;
    if (!updated) return undefined;
    this.edits?.rebase(doc.uri);
    this.parsed.set(doc.uri, { key: `open:${doc.version}:${kind}`, doc: updated });
    this.invalidate(doc.uri);
    return updated;
  }

  /** The previous version's parse brought up to date by the edits since, when its format can. */
  private updateOpen(hit: CachedParse | undefined, doc: TextDocument, kind: string, tableBudget?: number): ParsedDocument | undefined {
    const previous = hit && /^open:(\d+):(.*)$/.exec(hit.key);
    if (!previous || previous[2] !== kind || !this.edits) return undefined;
    const since = this.edits.changeSince(doc.uri, Number(previous[1]));
    return since && updateDocument(hit.doc, doc.getText(), since.change, since.lines, tableBudget);
  }

  /** The parse of this exact version if one exists already (no work is done). */
  cachedParse(doc: TextDocument): ParsedDocument | undefined {
    const hit = this.parsed.get(doc.uri);
    return hit?.key.startsWith(`open:${doc.version}:`) ? hit.doc : undefined;
  }

  /** A document was closed: its disk copy (if any) takes its place in its node. */
  forget(uri: string): void {
    this.parsed.delete(uri);
    this.invalidate(uri);
  }

  /**
   * A file changed (edited in the editor, or on disk): drops the snapshots that read it or whose
   * folders hold it. Files changed on disk may also add or remove a bundle: folder → node lookups
   * are recomputed.
   */
  invalidate(uri: string, onDisk = false): void {
    if (onDisk) this.nodeKeys.clear();
    const folder = uri.startsWith('file:') ? dirname(pathOf(uri)) : undefined;
    for (const [key, cached] of this.snapshots) {
      if (cached.members.has(uri) || (folder !== undefined && cached.folders.has(folder))) this.snapshots.delete(key);
    }
  }

  /** The node of a document (its folder, or the bundle holding it), or undefined for documents that are not files. */
  nodeOf(uri: string): string | undefined {
    if (!uri.startsWith('file:')) return undefined;
    const folder = dirname(pathOf(uri));
    let key = this.nodeKeys.get(folder);
    if (key === undefined) {
      try {
        key = nodeKeyOf(pathOf(uri), this.reader);
      } catch {
        key = folder;
      }
      this.nodeKeys.set(folder, key);
    }
    return key;
  }

  snapshotFor(doc: ParsedDocument, overrides: FactOverrides): NodeSnapshot {
    const key = this.nodeOf(doc.uri);
    if (!key) return this.build(doc.path, [doc], overrides);
    const cached = this.snapshots.get(key);
    // The document's own current parse must be the one the snapshot holds (a missed change shows here).
    if (cached && cached.overrides === overrides && cached.snapshot.documents.includes(doc) && this.current(cached)) return cached.snapshot;
    const node = this.listNode(pathOf(doc.uri));
    const members: ParsedDocument[] = [doc];
    const uris = new Map<string, number | undefined>([[doc.uri, this.openDocument(doc.uri)?.version]]);
    const folders = new Set<string>([dirname(pathOf(doc.uri))]);
    for (const f of [...(node?.files ?? []), ...(node?.context ?? [])]) {
      const uri = pathToFileURL(f.file).toString();
      folders.add(dirname(f.file));
      if (uris.has(uri)) continue;
      const open = this.openDocument(uri);
      uris.set(uri, open?.version);
      const member = open ? this.parseOpen(open) : this.parseDisk(uri, f);
      if (member && member.kind !== 'unknown') members.push(member);
    }
    const snapshot = this.build(node?.name ?? key, members, overrides, node?.dir);
    this.snapshots.set(key, { snapshot, overrides, members: uris, folders });
    return snapshot;
  }

  /**
   * Open documents that read `uri`: those of the same node, and those whose snapshot read it (a
   * sysdump's cluster manifests are read by each of its nodes). To re-lint them when it changes.
   */
  dependents(uri: string, open: readonly string[]): string[] {
    const node = this.nodeOf(uri);
    const readers = new Set<string>();
    for (const [key, cached] of this.snapshots) if (cached.members.has(uri)) readers.add(key);
    return open.filter((o) => {
      if (o === uri) return false;
      const n = this.nodeOf(o);
      return n !== undefined && (n === node || readers.has(n));
    });
  }

  /** Open documents that belong to the same node as `uri` (to re-lint them when it changes). */
  nodeMembers(uri: string, open: readonly TextDocument[]): TextDocument[] {
    const dir = this.nodeOf(uri);
    return dir ? open.filter((d) => d.uri !== uri && this.nodeOf(d.uri) === dir) : [];
  }

  /**
   * Whether every member is still the text the snapshot read: a sibling opened, closed or edited
   * since shows here even if no one called `invalidate` (a map lookup per member).
   */
  private current(cached: CachedSnapshot): boolean {
    for (const [uri, version] of cached.members) if (this.openDocument(uri)?.version !== version) return false;
    return true;
  }

  private build(name: string, members: readonly ParsedDocument[], overrides: FactOverrides, root?: string): NodeSnapshot {
    this.snapshotsBuilt++;
    return createSnapshot(name, members, overrides, root);
  }

  /** The node holding a file, as node/folder.ts lists it (links out of it, loops, FIFOs and giants left out). */
  private listNode(file: string): { name: string; dir: string; files: readonly NodeFile[]; context?: readonly NodeFile[] } | undefined {
    try {
      return nodeOfFile(file, this.reader).nodes[0];
    } catch {
      return undefined;
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
