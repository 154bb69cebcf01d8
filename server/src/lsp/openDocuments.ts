import type { Connection, TextDocumentContentChangeEvent } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { applyContentChanges } from './applyChanges';

interface Entry {
  /** The text as of the last flush. */
  base: TextDocument;
  /** Changes received since, in order; applied in one go when someone reads the text. */
  pending: TextDocumentContentChangeEvent[];
  /** The client's version after the pending changes. */
  version: number;
}

export interface OpenDocumentsEvents {
  readonly opened: (uri: string) => void;
  readonly changed: (uri: string) => void;
  readonly closed: (uri: string) => void;
}

/**
 * The open documents, with changes coalesced: a `didChange` only queues its changes (no text is
 * rebuilt), and the text is brought up to date once, when analysis or a request reads it
 * (`get`). Versions and sizes are answered without applying anything, so "is this lint stale?"
 * stays cheap during an edit storm.
 */
export class OpenDocuments {
  private readonly entries = new Map<string, Entry>();
  /** Content changes applied so far and the flushes that applied them (tests read these through stats). */
  readonly counters = { changesReceived: 0, flushes: 0 };

  constructor(private readonly events: OpenDocumentsEvents) {}

  listen(connection: Connection): void {
    connection.onDidOpenTextDocument(({ textDocument: d }) => {
      this.entries.set(d.uri, { base: TextDocument.create(d.uri, d.languageId, d.version, d.text), pending: [], version: d.version });
      this.events.opened(d.uri);
    });
    connection.onDidChangeTextDocument(({ textDocument, contentChanges }) => {
      const entry = this.entries.get(textDocument.uri);
      if (!entry) return;
      // A full-text change makes everything queued before it moot.
      let fullAt = -1;
      contentChanges.forEach((c, i) => {
        if (!('range' in c) || c.range === undefined) fullAt = i;
      });
      if (fullAt !== -1) entry.pending = [];
      for (const c of fullAt === -1 ? contentChanges : contentChanges.slice(fullAt)) entry.pending.push(c);
      entry.version = textDocument.version;
      this.counters.changesReceived += contentChanges.length;
      this.events.changed(textDocument.uri);
    });
    connection.onDidCloseTextDocument(({ textDocument }) => {
      if (this.entries.delete(textDocument.uri)) this.events.closed(textDocument.uri);
    });
  }

  /** The document with every change received so far applied. */
  get(uri: string): TextDocument | undefined {
    const entry = this.entries.get(uri);
    if (!entry) return undefined;
    if (entry.pending.length > 0) {
      const { base, pending } = entry;
      entry.pending = [];
      this.counters.flushes++;
      // A new document rather than TextDocument.update: besides the per-change cost, update keeps
      // wrong line offsets after a multi-line insert at a line past the end of the text.
      entry.base = TextDocument.create(uri, base.languageId, entry.version, applyContentChanges(base.getText(), pending));
    } else if (entry.base.version !== entry.version) {
      // A change notification with no changes still moves the version on.
      entry.base = TextDocument.create(uri, entry.base.languageId, entry.version, entry.base.getText());
    }
    return entry.base;
  }

  /** The current version, without applying pending changes. */
  version(uri: string): number | undefined {
    return this.entries.get(uri)?.version;
  }

  /** The length of the text as last applied (a size estimate for debouncing; applies nothing). */
  approximateLength(uri: string): number {
    return this.entries.get(uri)?.base.getText().length ?? 0;
  }

  uris(): string[] {
    return [...this.entries.keys()];
  }
}
