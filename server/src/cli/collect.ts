import { readFileSync } from 'node:fs';
import { decodeText } from '../core/textEncoding';
import type { DocumentKind } from '../formats/kind';
import { listNodes, diskReader, type FolderReader, type NodeFile, type SkipNote } from '../node/folder';
import { shouldStream } from './streamFile';

/** A file to lint, with the path exactly as the user will see it (built from the PATH they gave). */
export interface InputFile {
  readonly path: string;
  readonly text: string;
  /** Set when the file's path in a bundle decides its kind (node/bundles.ts). */
  readonly kind?: DocumentKind;
  /** A big conntrack table left on disk (`text` is empty) for the lint to read in chunks (cli/streamFile.ts). */
  readonly stream?: string;
}

/**
 * Files of one node (one folder or bundle, see node/folder.ts): `files` are linted and reported;
 * `context` are read for the node's facts only: the other files of the node of a file given on its
 * own (as the editor reads an open document's siblings), so both report the same, and a Cilium
 * sysdump's cluster-wide manifests (linted once, in their own node).
 */
export interface InputNode {
  readonly name: string;
  readonly files: InputFile[];
  readonly context: InputFile[];
}

export class ReadError extends Error {}

export type { SkipNote };

/**
 * Walks the given paths into nodes (node/folder.ts decides what a node is and what is skipped).
 * A path that cannot be read at all throws ReadError (the CLI exits 2); anything below it that is
 * skipped (a link loop or out of the folder, a FIFO, a giant) is passed to `onSkip` and the run
 * goes on.
 */
export function collectNodes(
  paths: readonly string[],
  onSkip: (note: SkipNote) => void = () => undefined,
  reader: FolderReader = diskReader,
  options: { readonly stream?: boolean } = {},
): InputNode[] {
  const nodes = new Map<string, Gathering>();
  const skipped = new Set<string>();
  for (const p of paths) {
    let listed;
    try {
      listed = listNodes(p, reader);
    } catch (e) {
      throw new ReadError(`cannot read ${p}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
    }
    for (const note of listed.notes) {
      if (!skipped.has(note.path)) onSkip(note);
      skipped.add(note.path);
    }
    const single = reader.stat(p).kind !== 'dir';
    for (const folder of listed.nodes) {
      let n = nodes.get(folder.dir);
      if (!n) nodes.set(folder.dir, (n = { name: folder.name, files: [], context: [], seen: new Set() }));
      const entries = [...folder.files.map((f) => ({ f, linted: !single || f.path === p })), ...(folder.context ?? []).map((f) => ({ f, linted: false }))];
      for (const { f, linted } of entries) {
        if (n.seen.has(f.file)) {
          // Given again as a file of a folder already listed for context: now it is linted.
          if (linted) promote(n, f.file, f.path);
          continue;
        }
        const read = options.stream && reader === diskReader && shouldStream(f) ? streamed(f) : readInput(f, reader, onSkip);
        if (!read) continue;
        n.seen.add(f.file);
        (linted ? n.files : n.context).push(read);
      }
    }
  }
  return [...nodes.values()].map(({ name, files, context }) => ({ name, files: files.map(plain), context: context.map(plain) }));
}

function readInput(f: NodeFile, reader: FolderReader, onSkip: (note: SkipNote) => void): ReadFile | undefined {
  try {
    return { path: f.path, text: reader === diskReader ? readText(f.file) : reader.readFile(f.file), file: f.file, ...(f.kind ? { kind: f.kind } : {}) };
  } catch (e) {
    onSkip({ path: f.path, reason: `cannot read it (${(e as NodeJS.ErrnoException).code ?? String(e)})` });
    return undefined;
  }
}

/** A file's text as core/textEncoding.ts decodes it (UTF-16 from a Windows capture, else UTF-8). */
const readText = (file: string): string => decodeText(readFileSync(file)).text;

/** A big conntrack table, not read now: the lint reads it in chunks (node/streamedDocument.ts). */
const streamed = (f: NodeFile): ReadFile => ({ path: f.path, text: '', file: f.file, kind: 'conntrack', stream: f.file });

/** A file read, with where it is on disk (to recognise it when it is given twice). */
interface ReadFile extends InputFile {
  readonly file: string;
}

interface Gathering {
  readonly name: string;
  readonly files: ReadFile[];
  readonly context: ReadFile[];
  readonly seen: Set<string>;
}

const plain = (f: ReadFile): InputFile => ({ path: f.path, text: f.text, ...(f.kind ? { kind: f.kind } : {}), ...(f.stream ? { stream: f.stream } : {}) });

function promote(n: Gathering, file: string, path: string): void {
  const i = n.context.findIndex((c) => c.file === file);
  if (i < 0) return;
  const [f] = n.context.splice(i, 1);
  n.files.push({ ...f!, path });
}
