import { forEachLine, type Line } from '../../core/lines';
import type { ParseProblem } from '../../core/problem';
import type { Severity } from '../../core/severity';
import type { Located, Span } from '../../core/span';
import { parseVersion } from '../../core/version';
import {
  canonicalIpv6,
  hexToDotted,
  isFullFormIpv6,
  isHexIpv4,
  isHostName,
  parseDottedQuad,
} from './address';
import {
  IPVS_LIMITS,
  type IpvsAddress,
  type IpvsCommand,
  type IpvsConnection,
  type IpvsConnectionTable,
  type IpvsCounter,
  type IpvsDaemon,
  type IpvsDestinationConnections,
  type IpvsFamily,
  type IpvsGlobalStats,
  type IpvsNumber,
  type IpvsPersistence,
  type IpvsRate,
  type IpvsRealServer,
  type IpvsSection,
  type IpvsService,
  type IpvsStats,
  type IpvsTableVariant,
  type IpvsTimeouts,
  type IpvsVariant,
  type IpvsVersionLine,
  type IpvsVirtualConnections,
  type IpvsadmModel,
} from './model';
import { pushAll } from '../../core/arrays';

/** A whitespace-separated token with its absolute offsets. */
interface Tok {
  readonly text: string;
  readonly start: number;
  readonly end: number;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
type SvcState = Omit<Mutable<IpvsService>, 'realServers'> & { realServers: IpvsRealServer[] };
type RsState = Mutable<IpvsRealServer>;

interface ConnAgg {
  protocol: string;
  virtual: string;
  destination?: string;
  count: number;
  byState: Map<string, number>;
  firstSeen: Span;
}

interface ConnState {
  variant: 'connections' | 'proc-connections';
  header?: Span;
  total: number;
  byState: Map<string, number>;
  byVirtual: Map<string, ConnAgg>;
  byDestination: Map<string, ConnAgg>;
  unaggregated: number;
  entries: IpvsConnection[];
  omitted: number;
}

type StatsRow = NonNullable<IpvsGlobalStats['totals']>;
type RateRow = NonNullable<IpvsGlobalStats['rates']>;

interface SectionState {
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

const PROTOCOLS = new Set(['TCP', 'UDP', 'SCTP', 'FWM']);
const CONN_PROTOCOLS = new Set(['TCP', 'UDP', 'SCTP', 'IP', 'ICMP', 'ICMPv6', 'AH', 'ESP']);
const FORWARD_NAMES: ReadonlyMap<string, string> = new Map([
  ['masq', 'Masq'],
  ['route', 'Route'],
  ['tunnel', 'Tunnel'],
  ['local', 'Local'],
  ['fullnat', 'FullNat'],
  ['snat', 'SNat'],
]);
const HEADER_VARIANTS: ReadonlyMap<string, IpvsTableVariant> = new Map([
  ['Scheduler Flags', 'list'],
  ['Conns InPkts OutPkts InBytes OutBytes', 'stats'],
  ['CPS InPPS OutPPS InBPS OutBPS', 'rate'],
  ['Uthreshold Lthreshold ActiveConn InActConn', 'thresholds'],
  ['Weight PersistConn ActiveConn InActConn', 'persistent-conn'],
]);
const INT = /^-?\d{1,15}$/;
const COUNTER = /^(\d{1,20})([KMGT])?$/;
const HEX = /^[0-9A-Fa-f]{1,16}$/;
const HEX4 = /^[0-9A-F]{4}$/;
const EXPIRE = /^(\d{1,9}):(\d\d)$/;
const PORT_NAME = /^[A-Za-z][A-Za-z0-9_.+-]*$/;
const PROMPT = /^(?:\[[^\]]*\]|[A-Za-z0-9_.-]+@[A-Za-z0-9_.:~/-]*)\s*[#$]\s*/;
const UNIT: Readonly<Record<string, number>> = { K: 1e3, M: 1e6, G: 1e9, T: 1e12 };
/** ipvsadm truncates names (no -n) of IPv4 services and real servers to this many characters. */
const NAME_WIDTH = 28;

const STATS_COLUMNS = ['Conns', 'InPkts', 'OutPkts', 'InBytes', 'OutBytes'] as const;
const RATE_COLUMNS = ['CPS', 'InPPS', 'OutPPS', 'InBPS', 'OutBPS'] as const;

/**
 * Parses any mix of ipvsadm outputs and IPVS /proc files. Total: never throws, linear time, memory
 * bounded (connection tables keep aggregates plus a bounded number of entries; problems are capped).
 */
export function parseIpvsadm(text: string): IpvsadmModel {
  const p = new Parser(text);
  forEachLine(text, (l) => p.line(l));
  return p.finish();
}

class Parser {
  private readonly problems: ParseProblem[] = [];
  private dropped = 0;
  private lastDropped: Span = { start: 0, end: 0 };
  private readonly sections: IpvsSection[] = [];
  private readonly commands: IpvsCommand[] = [];
  private cur: SectionState | undefined;
  private pendingCommand: IpvsCommand | undefined;
  private pendingHint: IpvsVariant | undefined;
  private version: IpvsVersionLine | undefined;
  /** Bounds shared by all connection tables of the paste. */
  /** Lines left before the model stops growing (see IPVS_LIMITS.modelLines). */
  private lineBudget: number = IPVS_LIMITS.modelLines;
  private skipped: { first: Span; count: number } | undefined;
  private readonly connBudget = { entries: IPVS_LIMITS.connectionEntries, keys: IPVS_LIMITS.aggregateKeys };

  constructor(private readonly text: string) {}

  // ---------------------------------------------------------------- problems

  private report(code: `parse/${string}`, message: string, span: Span, severity?: Severity): void {
    if (this.problems.length >= IPVS_LIMITS.problems) {
      this.dropped++;
      this.lastDropped = span;
      return;
    }
    this.problems.push({ code, message, span, ...(severity ? { severity } : {}) });
  }

  private syntax(message: string, span: Span, severity?: Severity): void {
    this.report('parse/ipvsadm-syntax', message, span, severity);
  }

  // ---------------------------------------------------------------- lines

  line(l: Line): void {
    const { toks, overflow } = tokenize(l.text, l.start);
    if (toks.length === 0) return;
    const first = toks[0]!;
    const lineSpan: Span = { start: first.start, end: overflow ? l.start + l.text.trimEnd().length : toks[toks.length - 1]!.end };
    if (overflow) {
      this.syntax(`line too long: only the first ${IPVS_LIMITS.tokensPerLine} fields were read`, lineSpan);
    }
    const f = first.text;
    const second = toks[1]?.text;
    const freeRow = this.cur?.kind === 'conn' && CONN_PROTOCOLS.has(f);
    if (!freeRow && --this.lineBudget < 0) {
      if (this.skipped) this.skipped.count++;
      else this.skipped = { first: lineSpan, count: 1 };
      return;
    }

    if (isElision(f) && toks.length === 1) return this.elision(lineSpan);
    if (f === '$' || f === '#' || ((f.startsWith('[') || f.includes('@')) && PROMPT.test(l.text.slice(first.start - l.start, first.start - l.start + 400)))) {
      return this.promptOrComment(l, first, lineSpan);
    }
    if (f.startsWith('#')) return; // comment in a save file
    if (f === 'IP' && second === 'Virtual' && toks[2]?.text === 'Server' && toks[3]?.text === 'version') {
      return this.versionLine(toks, lineSpan, l.number);
    }
    if (f === 'Prot' && second === 'LocalAddress:Port') return this.columnHeader(toks, lineSpan, l.number);
    if (f === '->') {
      if (second !== undefined && second.startsWith('RemoteAddress')) return this.realServerHeader(toks, lineSpan, l.number);
      return this.realServerRow(toks, lineSpan, l.number);
    }
    if (f === 'Timeout') return this.timeoutLine(toks, lineSpan, l.number);
    if (f === 'IPVS' && second === 'connection' && toks[2]?.text === 'entries') {
      this.open('conn', 'connections', lineSpan, l.number);
      this.cur!.conn!.header = lineSpan;
      return;
    }
    if (f === 'pro' && second === 'expire') return this.connHeader('connections', lineSpan, l.number);
    if (f === 'Pro' && second === 'FromIP') return this.connHeader('proc-connections', lineSpan, l.number);
    if (f === 'Total' && second === 'Incoming') return this.statsHeader(undefined, lineSpan, l.number);
    if (f === 'Conns' && second === 'Packets') return this.statsHeader('totals', lineSpan, l.number);
    if (f === 'Conns/s') return this.statsHeader('rates', lineSpan, l.number);
    if ((f === 'master' || f === 'backup') && second === 'sync' && toks[2]?.text === 'daemon') {
      return this.daemonLine(l, first, lineSpan);
    }
    if (f.length > 1 && f.startsWith('-')) return this.saveLine(toks, lineSpan, l.number);
    if (PROTOCOLS.has(f) || CONN_PROTOCOLS.has(f)) {
      const c = this.cur;
      if (second !== undefined && EXPIRE.test(second)) return this.connRow(toks, lineSpan, l.number);
      if (c?.kind === 'conn' && c.conn?.variant === 'proc-connections') return this.procConnRow(toks, lineSpan, l.number);
      if (PROTOCOLS.has(f)) return this.serviceLine(toks, lineSpan, l.number);
    }
    if (this.cur?.kind === 'proc-stats' && toks.length === 5 && toks.every((t) => HEX.test(t.text))) {
      return this.statsRow(toks, lineSpan);
    }
    this.syntax(`'${clip(l.text.trim())}' is not a line of ipvsadm output or of /proc/net/ip_vs*`, lineSpan);
  }

  // ---------------------------------------------------------------- sections

  private open(kind: SectionState['kind'], variant: IpvsVariant | undefined, span: Span, line: number): SectionState {
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
      s.conn = {
        variant: variant === 'proc-connections' ? 'proc-connections' : 'connections',
        total: 0,
        byState: new Map(),
        byVirtual: new Map(),
        byDestination: new Map(),
        unaggregated: 0,
        entries: [],
        omitted: 0,
      };
    }
    this.pendingCommand = undefined;
    this.pendingHint = undefined;
    this.cur = s;
    return s;
  }

  private extend(s: SectionState, span: Span): void {
    if (span.end > s.end) s.end = span.end;
  }

  private table(span: Span, line: number): SectionState {
    const c = this.cur;
    if (c && c.kind === 'table' && c.variant !== 'save') {
      this.extend(c, span);
      return c;
    }
    return this.open('table', undefined, span, line);
  }

  private flushOrphans(s: SectionState): void {
    const run = s.orphanRun;
    if (!run) return;
    s.orphanRun = undefined;
    const rows = run.count === 1 ? 'a real-server row appears' : `${run.count} real-server rows appear`;
    const why = run.afterElision
      ? "after an elided '...' line, so the virtual service they belong to is not in the paste"
      : 'before any virtual service line (the paste probably starts mid-table)';
    this.report('parse/ipvsadm-orphan-row', `${rows} ${why}; they are kept but not attached to a service`, run.first, 'warning');
  }

  private close(): void {
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
    if (this.skipped) {
      this.problems.push({
        code: 'parse/ipvsadm-limit',
        message: `the paste is too large: only the first ${IPVS_LIMITS.modelLines} lines were read into the model; ${this.skipped.count} later lines (from here on) were skipped`,
        span: this.skipped.first,
        severity: 'warning',
      });
    }
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

  // ---------------------------------------------------------------- misc lines

  private elision(span: Span): void {
    this.report('parse/ipvsadm-elided', "lines were left out here ('...'): the dump is incomplete, rows below may belong to a service not shown", span, 'info');
    const c = this.cur;
    if (c) {
      this.extend(c, span);
      this.flushOrphans(c);
      c.current = undefined;
      c.afterElision = true;
    }
  }

  private promptOrComment(l: Line, first: Tok, lineSpan: Span): void {
    const rel = first.start - l.start;
    const rest = l.text.slice(rel);
    let body: string;
    let bodyStart: number;
    if (first.text === '$' || first.text === '#') {
      body = rest.slice(1);
      bodyStart = first.start + 1;
    } else {
      const m = PROMPT.exec(rest.slice(0, 400));
      if (!m) return;
      body = rest.slice(m[0].length);
      bodyStart = first.start + m[0].length;
    }
    const lead = body.length - body.trimStart().length;
    const cmd = body.trim();
    // A '#' line that is not a shell command is a comment (ipvsadm-save files, notes).
    if (first.text === '#' && !/^(?:sudo\s+)?(?:ipvsadm|cat|watch)\b/.test(cmd)) return;
    if (!cmd) return;
    this.close();
    const command: IpvsCommand = { text: { value: cmd, span: { start: bodyStart + lead, end: bodyStart + lead + cmd.length } }, span: lineSpan };
    this.commands.push(command);
    this.pendingCommand = command;
    const hint = hintFromCommand(cmd);
    this.pendingHint = hint;
  }

  private versionLine(toks: Tok[], lineSpan: Span, line: number): void {
    const s = this.open('table', undefined, lineSpan, line);
    const vt = toks[4];
    if (!vt) {
      this.report('parse/ipvsadm-truncated', "the 'IP Virtual Server version' line ends before the version number", lineSpan);
      return;
    }
    const v = parseVersion(vt.text);
    if (!v) {
      this.syntax(`'${clip(vt.text)}' is not a version number`, span(vt));
      return;
    }
    let tableSize: IpvsNumber | undefined;
    const st = toks[5];
    if (st) {
      const m = /^\(size=(\d{1,12})\)$/.exec(st.text);
      if (m) {
        const numStart = st.start + '(size='.length;
        tableSize = { value: Number(m[1]), raw: m[1]!, span: { start: numStart, end: numStart + m[1]!.length } };
      } else this.syntax(`expected '(size=N)' after the version, found '${clip(st.text)}'`, span(st));
    }
    for (const t of toks.slice(6)) this.syntax(`unexpected '${clip(t.text)}' after the IPVS version line`, span(t));
    const vl: IpvsVersionLine = { span: lineSpan, version: { value: v, span: span(vt) }, ...(tableSize ? { tableSize } : {}) };
    s.versionLine = vl;
    this.version ??= vl;
  }

  private columnHeader(toks: Tok[], lineSpan: Span, line: number): void {
    const names = toks.slice(2).map((t) => t.text).join(' ');
    const variant = HEADER_VARIANTS.get(names);
    let s = this.cur;
    if (!(s && s.kind === 'table' && s.variant !== 'save' && !s.header && s.services.length === 0 && s.orphans.length === 0)) {
      s = this.open('table', undefined, lineSpan, line);
    }
    this.extend(s, lineSpan);
    s.header = lineSpan;
    if (variant) {
      s.variant = variant;
    } else {
      this.syntax(`unknown column header '${clip(names)}': expected 'Scheduler Flags', 'Conns InPkts OutPkts InBytes OutBytes', 'CPS InPPS OutPPS InBPS OutBPS', ...`, lineSpan);
    }
  }

  private realServerHeader(toks: Tok[], lineSpan: Span, line: number): void {
    let s = this.cur;
    if (!(s && s.kind === 'table' && s.variant !== 'save' && s.services.length === 0 && s.orphans.length === 0)) {
      s = this.open('table', undefined, lineSpan, line);
    }
    this.extend(s, lineSpan);
    s.header = { start: s.header?.start ?? lineSpan.start, end: lineSpan.end };
    if (s.variant === undefined && toks.some((t) => t.text === 'Forward')) s.variant = 'list';
  }

  private timeoutLine(toks: Tok[], lineSpan: Span, line: number): void {
    const s = this.open('timeout', 'timeout', lineSpan, line);
    const label = toks.slice(1, 4).map((t) => t.text).join(' ');
    if (label !== '(tcp tcpfin udp):') {
      this.syntax(`expected 'Timeout (tcp tcpfin udp): TCP TCPFIN UDP', found '${clip(label)}'`, lineSpan);
      s.timeouts = { span: lineSpan };
      this.close();
      return;
    }
    const names = ['tcp', 'tcpFin', 'udp'] as const;
    const t: Mutable<IpvsTimeouts> = { span: lineSpan };
    const missing: string[] = [];
    names.forEach((n, i) => {
      const tok = toks[4 + i];
      if (!tok) {
        missing.push(n === 'tcpFin' ? 'tcpfin' : n);
        return;
      }
      const v = this.int(tok, `the ${n === 'tcpFin' ? 'tcpfin' : n} timeout`);
      if (v) t[n] = v;
    });
    if (missing.length) {
      this.report('parse/ipvsadm-truncated', `the timeout line ends early: ${missing.join(', ')} missing (truncated paste?)`, lineSpan);
    }
    for (const x of toks.slice(7)) this.syntax(`unexpected '${clip(x.text)}' after the three timeouts`, span(x));
    s.timeouts = t;
    this.close();
  }

  private daemonLine(l: Line, first: Tok, lineSpan: Span): void {
    let s = this.cur;
    if (!s || s.kind !== 'daemon') s = this.open('daemon', 'daemon', lineSpan, l.number);
    this.extend(s, lineSpan);
    const rel = first.start - l.start;
    const body = l.text.slice(rel, rel + 400);
    const role = first.text as 'master' | 'backup';
    const d: Mutable<IpvsDaemon> = { role: { value: role, span: span(first) }, span: lineSpan };
    const m = /\(mcast=([^,)\s]*),\s*syncid=(\d{1,10})\)/.exec(body);
    if (m) {
      const at = first.start + m.index;
      const ifStart = at + '(mcast='.length;
      d.mcastInterface = { value: m[1]!, span: { start: ifStart, end: ifStart + m[1]!.length } };
      const idRel = m[0].lastIndexOf(m[2]!);
      d.syncId = { value: Number(m[2]), raw: m[2]!, span: { start: at + idRel, end: at + idRel + m[2]!.length } };
    } else {
      this.syntax("expected '(mcast=IFACE, syncid=N)' after 'sync daemon'", lineSpan);
    }
    s.daemons.push(d);
  }

  // ---------------------------------------------------------------- numbers

  private int(t: Tok, what: string): IpvsNumber | undefined {
    if (!INT.test(t.text)) {
      this.report('parse/ipvsadm-bad-value', `expected a number for ${what}, found '${clip(t.text)}'`, span(t));
      return undefined;
    }
    return { value: Number(t.text), raw: t.text, span: span(t) };
  }

  private counter(t: Tok, what: string): IpvsCounter | undefined {
    const m = COUNTER.exec(t.text);
    if (!m) {
      this.report('parse/ipvsadm-bad-value', `expected a count for ${what} (digits, optionally K/M/G/T), found '${clip(t.text)}'`, span(t));
      return undefined;
    }
    const unit = m[2] as IpvsCounter['unit'];
    const value = Number(m[1]) * (unit ? UNIT[unit]! : 1);
    return { value, raw: t.text, span: span(t), ...(unit ? { unit } : {}), approximate: unit !== undefined };
  }

  private hexNumber(t: Tok, what: string): IpvsNumber | undefined {
    if (!HEX.test(t.text)) {
      this.report('parse/ipvsadm-bad-value', `expected a hexadecimal number for ${what}, found '${clip(t.text)}'`, span(t));
      return undefined;
    }
    return { value: parseInt(t.text, 16), raw: t.text, span: span(t) };
  }

  /** Reads five counter columns; reports missing ones. Returns undefined unless all five were read. */
  private counters(cols: Tok[], names: readonly string[], rowSpan: Span): IpvsCounter[] | undefined {
    const out: IpvsCounter[] = [];
    for (let i = 0; i < names.length; i++) {
      const t = cols[i];
      if (!t) {
        this.report('parse/ipvsadm-truncated', `row ends early: ${names.slice(i).join(', ')} missing (truncated paste?)`, rowSpan);
        return undefined;
      }
      const c = this.counter(t, names[i]!);
      if (!c) return undefined;
      out.push(c);
    }
    for (const t of cols.slice(names.length)) this.syntax(`unexpected '${clip(t.text)}' after the ${names[names.length - 1]} column`, span(t));
    return out;
  }

  // ---------------------------------------------------------------- addresses

  /**
   * Reads `host:port`, `[v6]:port`, hex `C0A80A64:0050`, or names. `listing` enables the 28-character
   * truncation check; `hexPort` forces /proc decoding of the port.
   */
  private address(t: Tok, o: { listing: boolean; portOptional: boolean; hexPort: boolean; s?: SectionState }): IpvsAddress {
    const text = t.text;
    let hostText: string;
    let hostStart = t.start;
    let portText: string | undefined;
    let portStart = t.end;
    let bracketed = false;
    if (text.startsWith('[')) {
      bracketed = true;
      const close = text.indexOf(']');
      if (close < 0) {
        hostText = text.slice(1);
        hostStart = t.start + 1;
        this.report('parse/ipvsadm-bad-value', `'${clip(text)}' opens '[' but never closes it`, span(t));
      } else {
        hostText = text.slice(1, close);
        hostStart = t.start + 1;
        const rest = text.slice(close + 1);
        if (rest.startsWith(':')) {
          portText = rest.slice(1);
          portStart = t.start + close + 2;
        } else if (rest !== '') {
          this.report('parse/ipvsadm-bad-value', `unexpected '${clip(rest)}' after ']' (expected ':PORT')`, { start: t.start + close + 1, end: t.end });
        }
      }
    } else {
      const idx = text.lastIndexOf(':');
      if (idx < 0 || text.indexOf(':') !== idx) {
        hostText = text;
      } else {
        hostText = text.slice(0, idx);
        portText = text.slice(idx + 1);
        portStart = t.start + idx + 1;
      }
    }
    const hostSpan: Span = { start: hostStart, end: hostStart + hostText.length };
    const h = this.host(hostText, hostSpan, bracketed, portText, o);
    const truncated = o.listing && !bracketed && h.family === 'name' && text.length === NAME_WIDTH;
    const pp = portText !== undefined && portText !== '' ? this.port(portText, { start: portStart, end: portStart + portText.length }, h.hex || o.hexPort, o.s) : {};
    if (truncated) {
      const portNote =
        portText === undefined || portText === ''
          ? 'its port was cut off'
          : `its port (':${clip(portText)}') and the end of the name may have been cut off`;
      this.report(
        'parse/ipvsadm-truncated',
        `ipvsadm cuts names to ${NAME_WIDTH} characters when run without -n and this one is exactly ${NAME_WIDTH} long: ${portNote}; run 'ipvsadm -Ln' for exact addresses`,
        span(t),
        'warning',
      );
    } else if ((portText === undefined && !o.portOptional) || portText === '') {
      this.report('parse/ipvsadm-bad-value', `'${clip(text)}' has no port (expected HOST:PORT)`, span(t));
    }
    return {
      span: span(t),
      text,
      host: { value: hostText, span: hostSpan },
      ...(h.ip !== undefined ? { ip: h.ip } : {}),
      family: h.family,
      encoding: h.hex ? 'hex' : 'text',
      ...pp,
      truncated,
    };
  }

  /** /proc/net/ip_vs_conn: host and port are separate hex columns. */
  private hexPair(h: Tok, p: Tok, s: SectionState): IpvsAddress {
    const o = { listing: false, portOptional: false, hexPort: true, s };
    const hi = this.host(h.text, span(h), false, p.text, o);
    const pp = this.port(p.text, span(p), true, s);
    return {
      span: { start: h.start, end: p.end },
      text: this.text.slice(h.start, p.end),
      host: { value: h.text, span: span(h) },
      ...(hi.ip !== undefined ? { ip: hi.ip } : {}),
      family: hi.family,
      encoding: 'hex',
      ...pp,
      truncated: false,
    };
  }

  private host(
    hostText: string,
    hostSpan: Span,
    bracketed: boolean,
    portText: string | undefined,
    o: { hexPort: boolean; s?: SectionState },
  ): { family: IpvsFamily; ip?: string; hex: boolean } {
    let family: IpvsFamily = 'name';
    let ip: string | undefined;
    let hex = false;
    const dotted = parseDottedQuad(hostText);
    if (dotted !== undefined && !bracketed) {
      family = 'ipv4';
      ip = dotted;
    } else if (!bracketed && isHexIpv4(hostText) && (o.hexPort || (portText !== undefined && HEX4.test(portText)))) {
      family = 'ipv4';
      ip = hexToDotted(hostText);
      hex = true;
    } else if (bracketed || hostText.includes(':')) {
      const c = canonicalIpv6(hostText);
      if (c !== undefined) {
        family = 'ipv6';
        ip = c;
        if (o.hexPort || (isFullFormIpv6(hostText) && portText !== undefined && HEX4.test(portText))) hex = true;
      } else if (!isHostName(hostText)) {
        this.report('parse/ipvsadm-bad-value', `'${clip(hostText)}' is not an IPv6 address`, hostSpan);
      }
    } else if (!isHostName(hostText)) {
      this.report('parse/ipvsadm-bad-value', `'${clip(hostText)}' is not an IP address or host name`, hostSpan);
    }
    if (family === 'name' && o.s) o.s.resolvedNames = true;
    if (hex && o.s && (o.s.variant === undefined || o.s.variant === 'list')) this.becomeProc(o.s);
    return { family, ...(ip !== undefined ? { ip } : {}), hex };
  }

  private port(portText: string, ps: Span, useHex: boolean, s: SectionState | undefined): { port?: IpvsNumber; portName?: Located<string> } {
    if (useHex && HEX.test(portText)) return { port: { value: parseInt(portText, 16), raw: portText, span: ps } };
    if (/^\d{1,10}$/.test(portText)) {
      const v = Number(portText);
      if (v > 65535) this.report('parse/ipvsadm-bad-value', `port ${portText} is out of range (0-65535)`, ps);
      return { port: { value: v, raw: portText, span: ps } };
    }
    if (PORT_NAME.test(portText)) {
      if (s) s.resolvedNames = true;
      return { portName: { value: portText, span: ps } };
    }
    this.report('parse/ipvsadm-bad-value', `'${clip(portText)}' is not a port number or service name`, ps);
    return {};
  }

  /** The section turned out to be /proc/net/ip_vs: FWM marks read so far were hex. */
  private becomeProc(s: SectionState): void {
    s.variant = 'proc';
    for (const { svc, tok } of s.fwmarks) {
      if (HEX.test(tok.text)) svc.fwmark = { value: parseInt(tok.text, 16), raw: tok.text, span: span(tok) };
    }
    s.fwmarks = [];
  }

  // ---------------------------------------------------------------- table rows

  private serviceLine(toks: Tok[], lineSpan: Span, line: number): void {
    const s = this.table(lineSpan, line);
    this.flushOrphans(s);
    s.afterElision = false;
    const p = toks[0]!;
    const svc: SvcState = {
      variant: 'list',
      protocol: { value: p.text, span: span(p) },
      family: 'ipv4',
      schedulerFlags: [],
      otherFlags: [],
      realServers: [],
      span: lineSpan,
      line,
    };
    let i: number;
    if (p.text === 'FWM') {
      const mt = toks[1];
      if (!mt) {
        this.report('parse/ipvsadm-truncated', 'firewall-mark service line ends before the mark', lineSpan);
        s.current = undefined;
        return;
      }
      const procLike = s.variant === 'proc' || (mt.text.length === 8 && /^[0-9A-F]{8}$/.test(mt.text) && (/[A-F]/.test(mt.text) || mt.text.startsWith('0')));
      if (procLike && s.variant !== 'proc' && (s.variant === undefined || s.variant === 'list')) this.becomeProc(s);
      const mark = s.variant === 'proc' ? this.hexNumber(mt, 'the firewall mark') : this.int(mt, 'the firewall mark');
      if (mark) svc.fwmark = mark;
      if (s.variant !== 'proc') s.fwmarks.push({ svc, tok: mt });
      i = 2;
      if (toks[2]?.text === 'IPv6') {
        svc.family = 'ipv6';
        i = 3;
      }
    } else {
      const at = toks[1];
      if (!at) {
        this.report('parse/ipvsadm-truncated', 'virtual service line ends before its address', lineSpan);
        s.current = undefined;
        return;
      }
      const a = this.address(at, { listing: true, portOptional: false, hexPort: s.variant === 'proc', s });
      svc.address = a;
      svc.family = a.family;
      i = 2;
    }
    const rest = toks.slice(i);
    if (s.variant === undefined) {
      const numeric = rest.length >= 5 && rest.slice(0, 5).every((t) => COUNTER.test(t.text));
      if (numeric) this.inferCounters(s, lineSpan);
      else s.variant = 'list';
    }
    if (s.variant === 'stats' || s.variant === 'rate') {
      const names = s.variant === 'stats' ? STATS_COLUMNS : RATE_COLUMNS;
      const c = this.counters(rest, names, lineSpan);
      if (c) {
        const sp: Span = { start: c[0]!.span.start, end: c[4]!.span.end };
        if (s.variant === 'stats') svc.stats = statsOf(c, sp);
        else svc.rate = rateOf(c, sp);
      }
    } else {
      this.serviceFlags(svc, rest, lineSpan, s.variant === 'proc');
    }
    s.services.push(svc);
    s.current = svc;
  }

  private serviceFlags(svc: SvcState, rest: Tok[], lineSpan: Span, proc: boolean): void {
    const sched = rest[0];
    if (!sched) {
      this.report('parse/ipvsadm-truncated', 'virtual service line ends before the scheduler (truncated paste?)', lineSpan);
      return;
    }
    svc.scheduler = { value: sched.text, span: span(sched) };
    const flags = rest.slice(1);
    if (flags.length) svc.flagsSpan = { start: flags[0]!.start, end: flags[flags.length - 1]!.end };
    const other: Located<string>[] = [];
    const schedFlags: Located<string>[] = [];
    for (let j = 0; j < flags.length; j++) {
      const t = flags[j]!;
      if (t.text.startsWith('(') && t.text.endsWith(')') && t.text.length > 2) {
        pushAll(schedFlags, splitList(t.text.slice(1, -1), t.start + 1));
      } else if (t.text === 'persistent') {
        const n = flags[j + 1];
        const pers: Mutable<IpvsPersistence> = { span: span(t) };
        if (n && INT.test(n.text)) {
          pers.timeout = { value: Number(n.text), raw: n.text, span: span(n) };
          pers.span = { start: t.start, end: n.end };
          j++;
          const m = flags[j + 1];
          if (proc && m && /^[0-9A-F]{8}$/.test(m.text)) {
            svc.netmask = { value: svc.family === 'ipv6' ? String(parseInt(m.text, 16)) : hexToDotted(m.text), span: span(m) };
            j++;
          }
        } else {
          this.report('parse/ipvsadm-truncated', "'persistent' is not followed by its timeout", span(t));
        }
        svc.persistence = pers;
      } else if (t.text === 'mask' || t.text === 'pe') {
        const n = flags[j + 1];
        if (!n) {
          this.report('parse/ipvsadm-truncated', `'${t.text}' is not followed by its value`, span(t));
          continue;
        }
        if (t.text === 'mask') svc.netmask = { value: n.text, span: span(n) };
        else svc.persistenceEngine = { value: n.text, span: span(n) };
        j++;
      } else if (t.text === 'ops') {
        svc.onePacket = span(t);
      } else {
        other.push({ value: t.text, span: span(t) });
      }
    }
    svc.schedulerFlags = schedFlags;
    svc.otherFlags = other;
  }

  /** No header said whether five numeric columns are --stats or --rate. */
  private inferCounters(s: SectionState, at: Span): void {
    if (s.hint === 'rate' || s.hint === 'stats') {
      s.variant = s.hint;
      return;
    }
    s.variant = 'stats';
    if (!s.ambiguityReported) {
      s.ambiguityReported = true;
      this.report(
        'parse/ipvsadm-ambiguous-columns',
        "no column header: five numeric columns are read as --stats (Conns InPkts OutPkts InBytes OutBytes); paste the 'Prot LocalAddress:Port ...' header if this is --rate",
        at,
        'info',
      );
    }
  }

  private realServerRow(toks: Tok[], lineSpan: Span, line: number): void {
    const s = this.table(lineSpan, line);
    const at = toks[1];
    if (!at) {
      this.report('parse/ipvsadm-truncated', "real-server row ends after '->' (truncated paste?)", lineSpan);
      return;
    }
    const address = this.address(at, { listing: true, portOptional: false, hexPort: s.variant === 'proc', s });
    const cols = toks.slice(2);
    if (s.variant === undefined) {
      const c0 = cols[0]?.text;
      if (c0 !== undefined && /^[A-Za-z]/.test(c0)) s.variant = 'list';
      else if (cols.length >= 5 && cols.slice(0, 5).every((t) => COUNTER.test(t.text))) this.inferCounters(s, lineSpan);
    }
    const rs: RsState = { variant: 'list', address, extra: [], span: lineSpan, line };
    const v = s.variant;
    if (v === 'list' || v === 'proc') this.listColumns(rs, cols, lineSpan);
    else if (v === 'stats' || v === 'rate') {
      const names = v === 'stats' ? STATS_COLUMNS : RATE_COLUMNS;
      const c = this.counters(cols, names, lineSpan);
      if (c) {
        const sp: Span = { start: c[0]!.span.start, end: c[4]!.span.end };
        if (v === 'stats') rs.stats = statsOf(c, sp);
        else rs.rate = rateOf(c, sp);
      }
    } else if (v === 'thresholds' || v === 'persistent-conn') {
      const names = v === 'thresholds' ? ['Uthreshold', 'Lthreshold', 'ActiveConn', 'InActConn'] : ['Weight', 'PersistConn', 'ActiveConn', 'InActConn'];
      const keys = v === 'thresholds' ? (['upperThreshold', 'lowerThreshold', 'activeConn', 'inActConn'] as const) : (['weight', 'persistConn', 'activeConn', 'inActConn'] as const);
      for (let i = 0; i < 4; i++) {
        const t = cols[i];
        if (!t) {
          this.report('parse/ipvsadm-truncated', `row ends early: ${names.slice(i).join(', ')} missing (truncated paste?)`, lineSpan);
          break;
        }
        const n = this.int(t, names[i]!);
        if (n) rs[keys[i]!] = n;
      }
      for (const t of cols.slice(4)) this.syntax(`unexpected '${clip(t.text)}' after the InActConn column`, span(t));
    } else {
      this.report(
        'parse/ipvsadm-ambiguous-columns',
        'no column header and no Forward column: cannot tell which columns these are; paste the header lines too',
        lineSpan,
        'info',
      );
      rs.extra = cols.map((t) => ({ value: t.text, span: span(t) }));
    }
    const svc = s.current;
    if (svc) {
      svc.realServers.push(rs);
    } else {
      s.orphans.push(rs);
      if (s.orphanRun) s.orphanRun.count++;
      else s.orphanRun = { first: lineSpan, count: 1, afterElision: s.afterElision };
    }
  }

  private listColumns(rs: RsState, cols: Tok[], lineSpan: Span): void {
    const names = ['Forward', 'Weight', 'ActiveConn', 'InActConn'];
    const fw = cols[0];
    if (!fw) {
      this.report('parse/ipvsadm-truncated', `row ends after the address: ${names.join(', ')} missing (truncated paste?)`, lineSpan);
      return;
    }
    const known = FORWARD_NAMES.get(fw.text.toLowerCase());
    if (known) rs.forward = { value: known, span: span(fw) };
    else if (/^[A-Za-z]+$/.test(fw.text)) {
      rs.forward = { value: fw.text, span: span(fw) };
      this.syntax(`unknown forwarding method '${clip(fw.text)}' (expected Masq, Route, Tunnel, Local or FullNat)`, span(fw), 'warning');
    } else {
      this.syntax(`expected the forwarding method (Masq, Route, Tunnel, Local, FullNat), found '${clip(fw.text)}'`, span(fw));
    }
    const keys = ['weight', 'activeConn', 'inActConn'] as const;
    for (let i = 0; i < 3; i++) {
      const t = cols[i + 1];
      if (!t) {
        this.report('parse/ipvsadm-truncated', `row ends early: ${names.slice(i + 1).join(', ')} missing (truncated paste?)`, lineSpan);
        return;
      }
      const n = this.int(t, names[i + 1]!);
      if (n) rs[keys[i]!] = n;
    }
    rs.extra = cols.slice(4).map((t) => ({ value: t.text, span: span(t) }));
  }

  // ---------------------------------------------------------------- save format

  private saveLine(toks: Tok[], lineSpan: Span, line: number): void {
    let s = this.cur;
    if (!(s && s.kind === 'table' && s.variant === 'save')) s = this.open('table', 'save', lineSpan, line);
    this.extend(s, lineSpan);
    const cmd = toks[0]!.text;
    const isService = cmd === '-A' || cmd === '--add-service' || cmd === '-E' || cmd === '--edit-service';
    const isServer = cmd === '-a' || cmd === '--add-server' || cmd === '-e' || cmd === '--edit-server';
    if (!isService && !isServer) {
      this.syntax(`'${clip(cmd)}' lines are not read: only -A/-E (virtual service) and -a/-e (real server), which ipvsadm-save writes`, span(toks[0]!), 'info');
      return;
    }
    let protocol: Located<string> | undefined;
    let address: IpvsAddress | undefined;
    let fwmark: IpvsNumber | undefined;
    let ipv6 = false;
    const svc: SvcState = {
      variant: 'save',
      protocol: { value: '', span: span(toks[0]!) },
      family: 'ipv4',
      schedulerFlags: [],
      otherFlags: [],
      realServers: [],
      span: lineSpan,
      line,
    };
    const rs: Partial<RsState> & { extra: Located<string>[] } = { extra: [] };
    const other: Located<string>[] = [];
    const argOf = (j: number, what: string): Tok | undefined => {
      const a = toks[j + 1];
      if (!a || (a.text.startsWith('-') && !INT.test(a.text))) {
        this.report('parse/ipvsadm-truncated', `'${toks[j]!.text}' needs ${what}`, span(toks[j]!));
        return undefined;
      }
      return a;
    };
    for (let j = 1; j < toks.length; j++) {
      const t = toks[j]!;
      const o = t.text;
      if (o === '-t' || o === '--tcp-service' || o === '-u' || o === '--udp-service' || o === '--sctp-service' || o === '-q') {
        const a = argOf(j, 'a service address (HOST:PORT)');
        if (!a) continue;
        protocol = { value: o === '-t' || o === '--tcp-service' ? 'TCP' : o === '-u' || o === '--udp-service' ? 'UDP' : 'SCTP', span: span(t) };
        address = this.address(a, { listing: false, portOptional: true, hexPort: false, s });
        j++;
      } else if (o === '-f' || o === '--fwmark-service') {
        const a = argOf(j, 'a firewall mark');
        if (!a) continue;
        protocol = { value: 'FWM', span: span(t) };
        fwmark = this.int(a, 'the firewall mark');
        j++;
      } else if (o === '-6' || o === '--ipv6') {
        ipv6 = true;
      } else if (isService && (o === '-s' || o === '--scheduler')) {
        const a = argOf(j, 'a scheduler name');
        if (!a) continue;
        svc.scheduler = { value: a.text, span: span(a) };
        j++;
      } else if (isService && (o === '-p' || o === '--persistent')) {
        const a = toks[j + 1];
        if (a && INT.test(a.text)) {
          svc.persistence = { span: { start: t.start, end: a.end }, timeout: { value: Number(a.text), raw: a.text, span: span(a) } };
          j++;
        } else svc.persistence = { span: span(t) };
      } else if (isService && (o === '-M' || o === '--netmask')) {
        const a = argOf(j, 'a netmask');
        if (!a) continue;
        svc.netmask = { value: a.text, span: span(a) };
        j++;
      } else if (isService && (o === '-b' || o === '--sched-flags')) {
        const a = argOf(j, 'scheduler flags');
        if (!a) continue;
        svc.schedulerFlags = splitList(a.text, a.start);
        j++;
      } else if (isService && (o === '--pe' || o === 'pe')) {
        const a = argOf(j, 'a persistence engine name');
        if (!a) continue;
        svc.persistenceEngine = { value: a.text, span: span(a) };
        j++;
      } else if (isService && (o === '-o' || o === '--ops' || o === 'ops')) {
        svc.onePacket = span(t);
      } else if (isServer && (o === '-r' || o === '--real-server')) {
        const a = argOf(j, 'a real-server address (HOST[:PORT])');
        if (!a) continue;
        rs.address = this.address(a, { listing: false, portOptional: true, hexPort: false, s });
        j++;
      } else if (isServer && (o === '-m' || o === '--masquerading')) {
        rs.forward = { value: 'Masq', span: span(t) };
      } else if (isServer && (o === '-g' || o === '--gatewaying')) {
        rs.forward = { value: 'Route', span: span(t) };
      } else if (isServer && (o === '-i' || o === '--ipip')) {
        rs.forward = { value: 'Tunnel', span: span(t) };
      } else if (isServer && (o === '-b' || o === '--fullnat')) {
        rs.forward = { value: 'FullNat', span: span(t) };
      } else if (isServer && (o === '-w' || o === '--weight' || o === '-x' || o === '--u-threshold' || o === '-y' || o === '--l-threshold')) {
        const a = argOf(j, 'a number');
        if (!a) continue;
        const key = o === '-w' || o === '--weight' ? 'weight' : o === '-x' || o === '--u-threshold' ? 'upperThreshold' : 'lowerThreshold';
        const n = this.int(a, key === 'weight' ? 'the weight' : 'a connection threshold');
        if (n) rs[key] = n;
        j++;
      } else {
        (isService ? other : rs.extra).push({ value: o, span: span(t) });
      }
    }
    if (!protocol) {
      this.report('parse/ipvsadm-truncated', `'${cmd}' line has no service (-t, -u or -f)`, lineSpan);
      return;
    }
    const family: IpvsFamily = address ? address.family : ipv6 ? 'ipv6' : 'ipv4';
    const key = address ? `${protocol.value} ${addrKey(address)}` : `FWM ${fwmark?.value ?? '?'} ${family}`;
    if (isService) {
      svc.protocol = protocol;
      if (address) svc.address = address;
      if (fwmark) svc.fwmark = fwmark;
      svc.family = family;
      svc.otherFlags = other;
      const flagToks = toks.filter((t) => t.start > (address?.span.end ?? fwmark?.span.end ?? protocol.span.end));
      if (flagToks.length) svc.flagsSpan = { start: flagToks[0]!.start, end: flagToks[flagToks.length - 1]!.end };
      this.flushOrphans(s);
      const prev = s.saveIndex.get(key);
      if (prev && (cmd === '-A' || cmd === '--add-service')) {
        this.syntax(`virtual service ${protocol.value} ${address?.text ?? fwmark?.raw ?? ''} is added twice; ipvsadm-restore fails on the second '-A'`, lineSpan, 'warning');
      }
      s.saveIndex.set(key, svc);
      s.services.push(svc);
      s.current = svc;
      return;
    }
    if (!rs.address) {
      this.report('parse/ipvsadm-truncated', `'${cmd}' line has no real server (-r HOST:PORT)`, lineSpan);
      return;
    }
    const row: RsState = { ...rs, address: rs.address, variant: 'save', span: lineSpan, line };
    const owner = s.saveIndex.get(key);
    if (owner) owner.realServers.push(row);
    else {
      s.orphans.push(row);
      this.report(
        'parse/ipvsadm-orphan-row',
        `real server for ${protocol.value} ${address?.text ?? fwmark?.raw ?? ''} but no '-A' line above defines that virtual service`,
        lineSpan,
        'warning',
      );
    }
  }

  // ---------------------------------------------------------------- connections

  private connHeader(variant: 'connections' | 'proc-connections', lineSpan: Span, line: number): void {
    const c = this.cur;
    if (c && c.kind === 'conn' && c.conn && c.conn.variant === variant && c.conn.total === 0) {
      this.extend(c, lineSpan);
      c.conn.header = { start: c.conn.header?.start ?? lineSpan.start, end: lineSpan.end };
      return;
    }
    const s = this.open('conn', variant, lineSpan, line);
    s.conn!.header = lineSpan;
  }

  private connSection(lineSpan: Span, line: number, variant: 'connections' | 'proc-connections'): SectionState {
    const c = this.cur;
    if (c && c.kind === 'conn' && c.conn?.variant === variant) {
      this.extend(c, lineSpan);
      return c;
    }
    return this.open('conn', variant, lineSpan, line);
  }

  private connRow(toks: Tok[], lineSpan: Span, line: number): void {
    const s = this.connSection(lineSpan, line, 'connections');
    const names = ['expire', 'state', 'source', 'virtual', 'destination'];
    if (toks.length < 6) {
      this.report('parse/ipvsadm-truncated', `connection entry ends early: ${names.slice(toks.length - 1).join(', ')} missing (truncated paste?)`, lineSpan);
      return;
    }
    const e = EXPIRE.exec(toks[1]!.text)!;
    const expire: IpvsNumber = { value: Number(e[1]) * 60 + Number(e[2]), raw: toks[1]!.text, span: span(toks[1]!) };
    const opts = { listing: false, portOptional: false, hexPort: false, s };
    const entry: Mutable<IpvsConnection> = {
      protocol: { value: toks[0]!.text, span: span(toks[0]!) },
      expire,
      state: { value: toks[2]!.text, span: span(toks[2]!) },
      source: this.address(toks[3]!, opts),
      virtual: this.address(toks[4]!, opts),
      destination: this.address(toks[5]!, opts),
      span: lineSpan,
      line,
    };
    if (toks[6]) entry.persistenceEngine = { value: toks[6].text, span: span(toks[6]) };
    if (toks[7]) entry.persistenceData = { value: toks[7].text, span: span(toks[7]) };
    for (const t of toks.slice(8)) this.syntax(`unexpected '${clip(t.text)}' at the end of a connection entry`, span(t));
    addConn(s.conn!, entry, this.connBudget);
  }

  private procConnRow(toks: Tok[], lineSpan: Span, line: number): void {
    const s = this.connSection(lineSpan, line, 'proc-connections');
    const names = ['FromIP', 'FPrt', 'ToIP', 'TPrt', 'DestIP', 'DPrt', 'State', 'Expires'];
    if (toks.length < 9) {
      this.report('parse/ipvsadm-truncated', `connection entry ends early: ${names.slice(toks.length - 1).join(', ')} missing (truncated paste?)`, lineSpan);
      return;
    }
    const pair = (h: Tok, p: Tok): IpvsAddress => this.hexPair(h, p, s);
    const expire = this.int(toks[8]!, 'Expires');
    if (!expire) return;
    const entry: Mutable<IpvsConnection> = {
      protocol: { value: toks[0]!.text, span: span(toks[0]!) },
      expire,
      state: { value: toks[7]!.text, span: span(toks[7]!) },
      source: pair(toks[1]!, toks[2]!),
      virtual: pair(toks[3]!, toks[4]!),
      destination: pair(toks[5]!, toks[6]!),
      span: lineSpan,
      line,
    };
    if (toks[9]) entry.persistenceEngine = { value: toks[9].text, span: span(toks[9]) };
    if (toks[10]) entry.persistenceData = { value: toks[10].text, span: span(toks[10]) };
    addConn(s.conn!, entry, this.connBudget);
  }

  // ---------------------------------------------------------------- /proc/net/ip_vs_stats

  private statsHeader(expect: 'totals' | 'rates' | undefined, lineSpan: Span, line: number): void {
    let s = this.cur;
    const continues =
      s?.kind === 'proc-stats' &&
      s.stats !== undefined &&
      (expect === 'rates' ? s.stats.rates === undefined : expect === 'totals' ? s.stats.totals === undefined && s.stats.rates === undefined : false);
    if (!continues || !s) {
      s = this.open('proc-stats', 'proc-stats', lineSpan, line);
      s.stats = { span: lineSpan, expect: undefined };
    }
    this.extend(s, lineSpan);
    if (expect) s.stats!.expect = expect;
  }

  private statsRow(toks: Tok[], lineSpan: Span): void {
    const s = this.cur!;
    this.extend(s, lineSpan);
    const st = s.stats!;
    const which = st.expect ?? (st.totals ? 'rates' : 'totals');
    const names = which === 'totals' ? ['Conns', 'InPackets', 'OutPackets', 'InBytes', 'OutBytes'] : ['Conns/s', 'InPkts/s', 'OutPkts/s', 'InBytes/s', 'OutBytes/s'];
    const n = toks.map((t, i) => this.hexNumber(t, names[i]!));
    st.expect = undefined;
    if (n.some((x) => x === undefined)) return;
    const v = n as IpvsNumber[];
    const sp: Span = { start: v[0]!.span.start, end: v[4]!.span.end };
    if (which === 'totals') {
      if (st.totals) this.syntax('a second totals row in one /proc/net/ip_vs_stats block', lineSpan);
      st.totals = { conns: v[0]!, inPackets: v[1]!, outPackets: v[2]!, inBytes: v[3]!, outBytes: v[4]!, span: sp };
    } else {
      if (st.rates) this.syntax('a second rates row in one /proc/net/ip_vs_stats block', lineSpan);
      st.rates = { connsPerSecond: v[0]!, inPacketsPerSecond: v[1]!, outPacketsPerSecond: v[2]!, inBytesPerSecond: v[3]!, outBytesPerSecond: v[4]!, span: sp };
    }
  }
}

// ------------------------------------------------------------------ helpers

/** Tokens carry start/end, so a token is its own span (saves one object per value on huge tables). */
function span(t: Tok): Span {
  return t;
}

function clip(s: string): string {
  return s.length > 40 ? `${s.slice(0, 37)}...` : s;
}

function isElision(s: string): boolean {
  return s === '...' || s === '…' || s === '[...]' || s === '(...)' || (s.length >= 3 && s.length <= 20 && /^\.+$/.test(s));
}

/** Splits on blanks (space, tab, other control blanks) keeping offsets; at most IPVS_LIMITS.tokensPerLine tokens. */
function tokenize(line: string, base: number): { toks: Tok[]; overflow: boolean } {
  const toks: Tok[] = [];
  const n = line.length;
  let i = 0;
  while (i < n) {
    while (i < n && isBlank(line.charCodeAt(i))) i++;
    if (i >= n) break;
    if (toks.length >= IPVS_LIMITS.tokensPerLine) return { toks, overflow: true };
    const s = i;
    while (i < n && !isBlank(line.charCodeAt(i))) i++;
    toks.push({ text: line.slice(s, i), start: base + s, end: base + i });
  }
  return { toks, overflow: false };
}

function isBlank(c: number): boolean {
  return c === 32 || c === 9 || c === 11 || c === 12 || c === 0xa0 || c === 0xfeff;
}

function splitList(body: string, start: number): Located<string>[] {
  const out: Located<string>[] = [];
  let at = 0;
  for (const part of body.split(',')) {
    if (part) out.push({ value: part, span: { start: start + at, end: start + at + part.length } });
    at += part.length + 1;
  }
  return out;
}

function statsOf(c: IpvsCounter[], sp: Span): IpvsStats {
  return { conns: c[0]!, inPackets: c[1]!, outPackets: c[2]!, inBytes: c[3]!, outBytes: c[4]!, span: sp };
}

function rateOf(c: IpvsCounter[], sp: Span): IpvsRate {
  return { connsPerSecond: c[0]!, inPacketsPerSecond: c[1]!, outPacketsPerSecond: c[2]!, inBytesPerSecond: c[3]!, outBytesPerSecond: c[4]!, span: sp };
}

/** Canonical `ip:port` (IPv6 bracketed) when numeric, else the text as written. */
function addrKey(a: IpvsAddress): string {
  if (a.ip === undefined) return a.text;
  const host = a.family === 'ipv6' ? `[${a.ip}]` : a.ip;
  if (a.port) return `${host}:${a.port.value}`;
  if (a.portName) return `${host}:${a.portName.value}`;
  return host;
}

function hintFromCommand(cmd: string): IpvsVariant | undefined {
  if (cmd.includes('/proc/net/ip_vs_stats')) return 'proc-stats';
  if (cmd.includes('/proc/net/ip_vs_conn')) return 'proc-connections';
  if (cmd.includes('/proc/net/ip_vs')) return 'proc';
  if (!cmd.includes('ipvsadm')) return undefined;
  if (cmd.includes('ipvsadm-save')) return 'save';
  const words = cmd.split(/\s+/);
  if (words.includes('--stats')) return 'stats';
  if (words.includes('--rate')) return 'rate';
  if (words.includes('--thresholds')) return 'thresholds';
  if (words.includes('--persistent-conn')) return 'persistent-conn';
  if (words.includes('--timeout')) return 'timeout';
  if (words.includes('--daemon')) return 'daemon';
  if (words.includes('--connection') || words.some((w) => /^-[A-Za-z]*c[A-Za-z]*$/.test(w) && /[lL]/.test(w))) return 'connections';
  if (words.some((w) => /^-[A-Za-z]*S[A-Za-z]*$/.test(w)) || words.includes('--save')) return 'save';
  return undefined;
}

function bump(m: Map<string, number>, k: string): void {
  m.set(k, (m.get(k) ?? 0) + 1);
}

function addConn(c: ConnState, e: IpvsConnection, budget: { entries: number; keys: number }): void {
  c.total++;
  const state = e.state.value;
  bump(c.byState, state);
  const protocol = e.protocol.value;
  const virtual = addrKey(e.virtual);
  const destination = addrKey(e.destination);
  const vk = `${protocol} ${virtual}`;
  const dk = `${vk} ${destination}`;
  let v = c.byVirtual.get(vk);
  let d = c.byDestination.get(dk);
  const newKeys = (v ? 0 : 1) + (d ? 0 : 1);
  if (newKeys > budget.keys) {
    c.unaggregated++;
  } else {
    budget.keys -= newKeys;
    if (!v) {
      v = { protocol, virtual, count: 0, byState: new Map(), firstSeen: e.span };
      c.byVirtual.set(vk, v);
    }
    if (!d) {
      d = { protocol, virtual, destination, count: 0, byState: new Map(), firstSeen: e.span };
      c.byDestination.set(dk, d);
    }
    v.count++;
    bump(v.byState, state);
    d.count++;
    bump(d.byState, state);
  }
  if (budget.entries > 0) {
    budget.entries--;
    c.entries.push(e);
  } else c.omitted++;
}

function finishConn(c: ConnState, sp: Span): IpvsConnectionTable {
  const byVirtual: IpvsVirtualConnections[] = [...c.byVirtual.values()].map((a) => ({
    protocol: a.protocol,
    virtual: a.virtual,
    count: a.count,
    byState: a.byState,
    firstSeen: a.firstSeen,
  }));
  const byDestination: IpvsDestinationConnections[] = [...c.byDestination.values()].map((a) => ({
    protocol: a.protocol,
    virtual: a.virtual,
    destination: a.destination ?? '',
    count: a.count,
    byState: a.byState,
    firstSeen: a.firstSeen,
  }));
  return {
    variant: c.variant,
    span: sp,
    ...(c.header ? { header: c.header } : {}),
    total: c.total,
    byState: c.byState,
    byVirtual,
    byDestination,
    unaggregated: c.unaggregated,
    entries: c.entries,
    omittedEntries: c.omitted,
  };
}
