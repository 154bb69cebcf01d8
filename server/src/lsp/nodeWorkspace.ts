import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { parseDocument, type ParsedDocument } from '../node/document';
import type { FactOverrides } from '../node/settings';
import { createSnapshot, type NodeSnapshot } from '../node/snapshot';
import { detectKind } from '../formats/detect';
import { kindForLanguage } from './kinds';

/** Sibling files larger than this are not read from disk for node facts (an open document always is). */
const MAX_SIBLING_BYTES = 64 * 1024 * 1024;
const SKIP_SIBLING = /^\.|\.(?:png|jpe?g|gif|gz|tgz|zip|xz|bz2|pdf|vsix|pcap|js|ts|md)$/i;

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

  constructor(private readonly openDocument: (uri: string) => TextDocument | undefined) {}

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
    for (const name of safeList(dir)) {
      if (SKIP_SIBLING.test(name)) continue;
      const file = join(dir, name);
      const uri = pathToFileURL(file).toString();
      if (uri === doc.uri) continue;
      const open = this.openDocument(uri);
      const sibling = open ? this.parseOpen(open) : this.parseDisk(uri, file);
      if (sibling && sibling.kind !== 'unknown') members.push(sibling);
    }
    return createSnapshot(dir, members, overrides);
  }

  /** Open documents that belong to the same node as `uri` (to re-lint them when it changes). */
  nodeMembers(uri: string, open: readonly TextDocument[]): TextDocument[] {
    const dir = this.nodeOf(uri);
    return dir ? open.filter((d) => d.uri !== uri && this.nodeOf(d.uri) === dir) : [];
  }

  private parseDisk(uri: string, file: string): ParsedDocument | undefined {
    let st;
    try {
      st = statSync(file);
    } catch {
      return undefined;
    }
    if (!st.isFile() || st.size > MAX_SIBLING_BYTES) return undefined;
    const key = `disk:${st.mtimeMs}:${st.size}`;
    const hit = this.parsed.get(uri);
    if (hit?.key === key) return hit.doc;
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      return undefined;
    }
    const kind = detectKind(text, file).kind;
    const parsed = parseDocument({ uri, path: file, text, kind });
    this.parsed.set(uri, { key, doc: parsed });
    return parsed;
  }
}

function safeList(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
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
