import type { Connection, TextDocumentContentChangeEvent } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { LineIndex } from '../core/lineIndex';
import type { TextChange } from '../node/incremental';
import { applyContentChanges } from './applyChanges';
import { applyTracked, diffChange, isRanged, merge } from './trackedChanges';

interface Entry {
  /** The text as of the last flush. */
  base: TextDocument;
  /** Changes received since, in order; applied in one go when someone reads the text. */
  pending: TextDocumentContentChangeEvent[];
  /** The client's version after the pending changes. */
  version: number;
  /** The line index of `base`'s text, once a flush has made one (it is then edited, not rebuilt). */
  lines: LineIndex | undefined;
  /**
   * Where the text changed since `fromVersion` (one change covering all, `null` when a full-text
   * change or a long batch was not tracked): an incremental parse of that version reads it.
   */
  track: { readonly fromVersion: number; readonly change: TextChange | null } | undefined;
  /** Changes received in the current burst (changes less than BURST_GAP_MS apart), and when the last came. */
  burst: number;
  lastChangeAt: number;
}

/** Changes further apart than this are typing, not one burst. */
const BURST_GAP_MS = 100;

/** Longer batches are applied line-wise in one pass (applyChanges.ts); where they changed the text, a comparison tells. */
const MAX_TRACKED_BATCH = 64;

/** Two changes one after the other as one. */
function merged(first: TextChange | undefined, second: TextChange): TextChange {
  return merge(first, second.start, second.oldEnd, second.newEnd - second.start);
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
      this.entries.set(d.uri, { base: TextDocument.create(d.uri, d.languageId, d.version, d.text), pending: [], version: d.version, lines: undefined, track: undefined, burst: 0, lastChangeAt: 0 });
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
      const now = Date.now();
      entry.burst = (now - entry.lastChangeAt < BURST_GAP_MS ? entry.burst : 0) + contentChanges.length;
      entry.lastChangeAt = now;
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
      let text: string;
      const track = entry.track;
      const ranged = pending.filter(isRanged);
      if (ranged.length === pending.length && ranged.length <= MAX_TRACKED_BATCH && track?.change !== null) {
        // A few keystrokes: applied as strings, the line index edited, the change kept for an incremental parse.
        const t = applyTracked(base.getText(), entry.lines ?? new LineIndex(base.getText()), ranged, track?.change ?? undefined);
        text = t.text;
        entry.lines = t.lines;
        entry.track = { fromVersion: track?.fromVersion ?? base.version, change: t.change };
      } else {
        text = applyContentChanges(base.getText(), pending);
        entry.lines = undefined;
        // A long batch of ranged changes is still one edit of the text: where, the texts tell.
        const change = ranged.length === pending.length && track?.change !== null ? merged(track?.change ?? undefined, diffChange(base.getText(), text)) : null;
        entry.track = { fromVersion: track?.fromVersion ?? base.version, change };
      }
      entry.base = TextDocument.create(uri, base.languageId, entry.version, text);
    } else if (entry.base.version !== entry.version) {
      // A change notification with no changes still moves the version on.
      entry.base = TextDocument.create(uri, entry.base.languageId, entry.version, entry.base.getText());
    }
    return entry.base;
  }

  /**
   * The change from `version` to the current text (applying what is pending) and the current
   * text's line index, when every change since `version` was tracked; else undefined.
   */
  changeSince(uri: string, version: number): { readonly change: TextChange; readonly lines: LineIndex } | undefined {
    if (!this.get(uri)) return undefined;
    const entry = this.entries.get(uri)!;
    const track = entry.track;
    if (!track || track.fromVersion !== version || !track.change) return undefined;
    entry.lines ??= new LineIndex(entry.base.getText());
    return { change: track.change, lines: entry.lines };
  }

  /** The current version was parsed: changes are tracked from it on. */
  rebase(uri: string): void {
    const entry = this.entries.get(uri);
    if (entry && entry.pending.length === 0) entry.track = undefined;
  }

  /** How many changes arrived in the current burst, each less than 100 ms after the previous (an edit storm has hundreds; typing, one). */
  burstChanges(uri: string): number {
    const entry = this.entries.get(uri);
    return entry && Date.now() - entry.lastChangeAt < BURST_GAP_MS ? entry.burst : 0;
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
