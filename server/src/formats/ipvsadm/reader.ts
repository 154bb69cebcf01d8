import type { ParseProblem } from '../../core/problem';
import type { Severity } from '../../core/severity';
import type { Located, Span } from '../../core/span';
import { pushAll } from '../../core/arrays';
import { RedactionTally } from '../../core/redaction';
import {
  IPVS_LIMITS,
  type IpvsCommand,
  type IpvsConnectionTable,
  type IpvsDaemon,
  type IpvsGlobalStats,
  type IpvsRealServer,
  type IpvsSection,
  type IpvsService,
  type IpvsTableVariant,
  type IpvsTimeouts,
  type IpvsVariant,
  type IpvsVersionLine,
  type IpvsadmModel,
} from './model';
import { finishConn, newConnState, type ConnState } from './connectionTable';
import type { Tok } from './tokens';
import { foldPerFile, foldTruncated } from '../paste';

export type Mutable<T> = { -readonly [K in keyof T]: T[K] };
export type SvcState = Omit<Mutable<IpvsService>, 'realServers'> & { realServers: IpvsRealServer[] };
export type RsState = Mutable<IpvsRealServer>;

/** A virtual service as its line starts: no scheduler, flags or real servers yet, IPv4 until the line says otherwise. */
export function newService(variant: IpvsTableVariant, protocol: Located<string>, span: Span, line: number): SvcState {
  return { variant, protocol, family: 'ipv4', schedulerFlags: [], otherFlags: [], realServers: [], span, line };
}

type StatsRow = NonNullable<IpvsGlobalStats['totals']>;
type RateRow = NonNullable<IpvsGlobalStats['rates']>;

/** One block of the paste as it is read: a table, a timeout line, a connection table, /proc stats or sync daemons. */
export interface SectionState {
  kind: 'table' | 'timeout' | 'conn' | 'proc-stats' | 'daemon';
  /** Table sections: undefined until a header or a row tells. */
  variant: IpvsVariant | undefined;
  start: number;
  end: number;
  line: number;
  command?: IpvsCommand;
  hint?: IpvsVariant;
  versionLine?: IpvsVersionLine;
  header?: Span;
  services: SvcState[];
  orphans: RsState[];
  current: SvcState | undefined;
  orphanRun: { first: Span; count: number; afterElision: boolean } | undefined;
  afterElision: boolean;
  resolvedNames: boolean;
  /** FWM marks read as decimal before the section turned out to be /proc (hex). */
  fwmarks: { svc: SvcState; tok: Tok }[];
  saveIndex: Map<string, SvcState>;
  timeouts?: IpvsTimeouts;
  conn?: ConnState;
  stats?: { span: Span; totals?: StatsRow; rates?: RateRow; expect: 'totals' | 'rates' | undefined };
  daemons: IpvsDaemon[];
  ambiguityReported: boolean;
}

/**
 * What every line reader of the ipvsadm parser shares: the problems (capped), the sections read
 * so far and the one being read, the command a prompt line announced, and the paste's budgets.
 * The readers of each output variant (list, stats/rate, save, timeout, connections, /proc) are
 * functions of this state in their own files; parse.ts sends each line to one of them.
 */
export class IpvsReader {
  readonly problems: ParseProblem[] = [];
  dropped = 0;
  lastDropped: Span = { start: 0, end: 0 };
  readonly sections: IpvsSection[] = [];
  readonly commands: IpvsCommand[] = [];
  cur: SectionState | undefined;
  pendingCommand: IpvsCommand | undefined;
  pendingHint: IpvsVariant | undefined;
  version: IpvsVersionLine | undefined;
  /** Lines left before the model stops growing (see IPVS_LIMITS.modelLines). */
  lineBudget: number = IPVS_LIMITS.modelLines;
  skipped: { first: Span; count: number } | undefined;
  /** Bounds shared by all connection tables of the paste. */
  readonly connBudget = { entries: IPVS_LIMITS.connectionEntries, keys: IPVS_LIMITS.aggregateKeys };
  /** Blanked-out values (`<redacted>:80`, `10.244.x.x:6443`): one `parse/redacted` note instead of a problem each. */
  readonly redactions = new RedactionTally();
  /** Where the problems of the line being read start (`beginLine`), or -1 between lines. */
  private lineFrom = -1;

  constructor(readonly text: string) {}

  report(code: `parse/${string}`, message: string, span: Span, severity?: Severity): void {
    // Inside a line the cap waits for `endLine`: problems a placeholder caused are folded first.
    if (this.lineFrom < 0 && this.problems.length >= IPVS_LIMITS.problems) {
      this.dropped++;
      this.lastDropped = span;
      return;
    }
    this.problems.push({ code, message, span, ...(severity ? { severity } : {}) });
  }

  /** A line starts: its problems are held until `endLine` (at most a line's worth, tokensPerLine bounds it). */
  beginLine(): void {
    this.lineFrom = this.problems.length;
  }

  /**
   * The line is read: problems on a blanked-out value (`'<redacted>' is not ...`) go into the one
   * note, then the problem cap applies, so an anonymised paste keeps its real problems listed and
   * counts the same as a clean one. `text`: the text the line's spans are offsets in.
   */
  endLine(text: string): void {
    const from = this.lineFrom;
    this.lineFrom = -1;
    const problems = this.problems;
    if (problems.length === from) return;
    this.redactions.fold(problems, from, text);
    const over = problems.length - IPVS_LIMITS.problems;
    if (over > 0) {
      this.dropped += over;
      this.lastDropped = problems[problems.length - 1]!.span;
      problems.length = IPVS_LIMITS.problems;
    }
  }

  syntax(message: string, span: Span, severity?: Severity): void {
    this.report('parse/ipvsadm-syntax', message, span, severity);
  }

  open(kind: SectionState['kind'], variant: IpvsVariant | undefined, span: Span, line: number): SectionState {
    this.close();
    this.lineBudget -= 4; // a section costs a few lines' worth of memory
    const s: SectionState = {
      kind,
      variant,
      start: span.start,
      end: span.end,
      line,
      ...(this.pendingCommand ? { command: this.pendingCommand } : {}),
      ...(this.pendingHint ? { hint: this.pendingHint } : {}),
      services: [],
      orphans: [],
      current: undefined,
      orphanRun: undefined,
      afterElision: false,
      resolvedNames: false,
      fwmarks: [],
      saveIndex: new Map(),
      daemons: [],
      ambiguityReported: false,
    };
    if (kind === 'conn') {
      s.conn = newConnState(variant === 'proc-connections' ? 'proc-connections' : 'connections');
    }
    this.pendingCommand = undefined;
    this.pendingHint = undefined;
    this.cur = s;
    return s;
  }

  extend(s: SectionState, span: Span): void {
    if (span.end > s.end) s.end = span.end;
  }

  table(span: Span, line: number): SectionState {
    const c = this.cur;
    if (c && c.kind === 'table' && c.variant !== 'save') {
      this.extend(c, span);
      return c;
    }
    return this.open('table', undefined, span, line);
  }

  flushOrphans(s: SectionState): void {
    const run = s.orphanRun;
    if (!run) return;
    s.orphanRun = undefined;
    const rows = run.count === 1 ? 'a real-server row appears' : `${run.count} real-server rows appear`;
    const why = run.afterElision
      ? "after an elided '...' line, so the virtual service they belong to is not in the paste"
      : 'before any virtual service line (the paste probably starts mid-table)';
    this.report('parse/ipvsadm-orphan-row', `${rows} ${why}; they are kept but not attached to a service`, run.first, 'warning');
  }

  close(): void {
    const s = this.cur;
    if (!s) return;
    this.cur = undefined;
    this.flushOrphans(s);
    const variant: IpvsVariant =
      s.variant ??
      (s.kind === 'table' ? 'list' : s.kind === 'timeout' ? 'timeout' : s.kind === 'proc-stats' ? 'proc-stats' : s.kind === 'daemon' ? 'daemon' : 'connections');
    if (s.kind === 'table') {
      const tv = variant as IpvsTableVariant;
      for (const svc of s.services) {
        svc.variant = tv;
        for (const rs of svc.realServers) (rs as RsState).variant = tv;
      }
      for (const rs of s.orphans) rs.variant = tv;
    }
    const section: IpvsSection = {
      variant,
      span: { start: s.start, end: s.end },
      line: s.line,
      ...(s.command ? { command: s.command } : {}),
      ...(s.versionLine ? { versionLine: s.versionLine } : {}),
      ...(s.header ? { columnHeader: s.header } : {}),
      services: s.services,
      orphanRealServers: s.orphans,
      resolvedNames: s.resolvedNames,
      ...(s.timeouts ? { timeouts: s.timeouts } : {}),
      ...(s.conn ? { connections: finishConn(s.conn, { start: s.start, end: s.end }) } : {}),
      ...(s.stats
        ? {
            globalStats: {
              span: { start: s.start, end: s.end },
              ...(s.stats.totals ? { totals: s.stats.totals } : {}),
              ...(s.stats.rates ? { rates: s.stats.rates } : {}),
            },
          }
        : {}),
      daemons: s.daemons,
    };
    this.sections.push(section);
  }

  finish(): IpvsadmModel {
    this.close();
    // Rows cut short by a cut paste: one truncation note per file, as in every format (paste.ts).
    foldTruncated(this.problems, 'parse/ipvsadm-truncated');
    // Elision markers: one note per file too (the rows after each are still reported as orphans where they are).
    foldPerFile(this.problems, 'parse/ipvsadm-elided', (m) => m, (n) => `${n} more elision ${n === '1' ? 'marker' : 'markers'} below`);
    if (this.skipped) {
      this.problems.push({
        code: 'parse/ipvsadm-limit',
        message: `the paste is too large: only the first ${IPVS_LIMITS.modelLines} lines were read into the model; ${this.skipped.count} later lines (from here on) were skipped`,
        span: this.skipped.first,
        severity: 'warning',
      });
    }
    const redacted = this.redactions.note('ipvsadm output');
    if (redacted) this.problems.push(redacted);
    if (this.dropped > 0) {
      this.problems.push({
        code: 'parse/ipvsadm-limit',
        message: `${this.dropped} more problems were found but not listed`,
        span: this.lastDropped,
        severity: 'info',
      });
    }
    const services: IpvsService[] = [];
    const timeouts: IpvsTimeouts[] = [];
    const connectionTables: IpvsConnectionTable[] = [];
    const globalStats: IpvsGlobalStats[] = [];
    for (const s of this.sections) {
      pushAll(services, s.services);
      if (s.timeouts) timeouts.push(s.timeouts);
      if (s.connections) connectionTables.push(s.connections);
      if (s.globalStats) globalStats.push(s.globalStats);
    }
    return {
      sections: this.sections,
      services,
      timeouts,
      connectionTables,
      globalStats,
      ...(this.version ? { version: this.version } : {}),
      commands: this.commands,
      problems: this.problems,
    };
  }
}
