import type { Located, Span } from '../../core/span';
import { readAddress } from './addressReader';
import type { IpvsAddress, IpvsFamily, IpvsNumber } from './model';
import { INT, readInt } from './numbers';
import { addressKey } from './query';
import { newService, type IpvsReader, type RsState } from './reader';
import { clip, span, splitList, type Tok } from './tokens';

/**
 * `ipvsadm -Sn` / `ipvsadm-save -n`: one `-A` line per virtual service and one `-a` line per real
 * server, options in any order (the form ipvsadm-restore reads back). A real server finds its
 * service by protocol and address, as ipvsadm-restore does.
 */

export function saveLine(r: IpvsReader, toks: Tok[], lineSpan: Span, line: number): void {
  let s = r.cur;
  if (!(s && s.kind === 'table' && s.variant === 'save')) s = r.open('table', 'save', lineSpan, line);
  r.extend(s, lineSpan);
  const cmd = toks[0]!.text;
  const isService = cmd === '-A' || cmd === '--add-service' || cmd === '-E' || cmd === '--edit-service';
  const isServer = cmd === '-a' || cmd === '--add-server' || cmd === '-e' || cmd === '--edit-server';
  if (!isService && !isServer) {
    r.syntax(`'${clip(cmd)}' lines are not read: only -A/-E (virtual service) and -a/-e (real server), which ipvsadm-save writes`, span(toks[0]!), 'info');
    return;
  }
  let protocol: Located<string> | undefined;
  let address: IpvsAddress | undefined;
  let fwmark: IpvsNumber | undefined;
  let ipv6 = false;
  const svc = newService('save', { value: '', span: span(toks[0]!) }, lineSpan, line);
  const rs: Partial<RsState> & { extra: Located<string>[] } = { extra: [] };
  const other: Located<string>[] = [];
  const argOf = (j: number, what: string): Tok | undefined => {
    const a = toks[j + 1];
    if (!a || (a.text.startsWith('-') && !INT.test(a.text))) {
      r.report('parse/ipvsadm-truncated', `'${toks[j]!.text}' needs ${what}`, span(toks[j]!));
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
      address = readAddress(r, a, { listing: false, portOptional: true, hexPort: false, s });
      j++;
    } else if (o === '-f' || o === '--fwmark-service') {
      const a = argOf(j, 'a firewall mark');
      if (!a) continue;
      protocol = { value: 'FWM', span: span(t) };
      fwmark = readInt(r, a, 'the firewall mark');
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
      rs.address = readAddress(r, a, { listing: false, portOptional: true, hexPort: false, s });
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
      const n = readInt(r, a, key === 'weight' ? 'the weight' : 'a connection threshold');
      if (n) rs[key] = n;
      j++;
    } else {
      (isService ? other : rs.extra).push({ value: o, span: span(t) });
    }
  }
  if (!protocol) {
    r.report('parse/ipvsadm-truncated', `'${cmd}' line has no service (-t, -u or -f)`, lineSpan);
    return;
  }
  const family: IpvsFamily = address ? address.family : ipv6 ? 'ipv6' : 'ipv4';
  const key = address ? `${protocol.value} ${addressKey(address)}` : `FWM ${fwmark?.value ?? '?'} ${family}`;
  if (isService) {
    svc.protocol = protocol;
    if (address) svc.address = address;
    if (fwmark) svc.fwmark = fwmark;
    svc.family = family;
    svc.otherFlags = other;
    const flagToks = toks.filter((t) => t.start > (address?.span.end ?? fwmark?.span.end ?? protocol.span.end));
    if (flagToks.length) svc.flagsSpan = { start: flagToks[0]!.start, end: flagToks[flagToks.length - 1]!.end };
    r.flushOrphans(s);
    const prev = s.saveIndex.get(key);
    // Two blanked-out addresses that read alike (`-t 10.96.x.x:443`) may be two services.
    if (prev && (cmd === '-A' || cmd === '--add-service') && !address?.redacted) {
      r.syntax(`virtual service ${protocol.value} ${address?.text ?? fwmark?.raw ?? ''} is added twice; ipvsadm-restore fails on the second '-A'`, lineSpan, 'warning');
    }
    s.saveIndex.set(key, svc);
    s.services.push(svc);
    s.current = svc;
    return;
  }
  if (!rs.address) {
    r.report('parse/ipvsadm-truncated', `'${cmd}' line has no real server (-r HOST:PORT)`, lineSpan);
    return;
  }
  const row: RsState = { ...rs, address: rs.address, variant: 'save', span: lineSpan, line };
  const owner = s.saveIndex.get(key);
  if (owner) owner.realServers.push(row);
  else {
    s.orphans.push(row);
    r.report(
      'parse/ipvsadm-orphan-row',
      `real server for ${protocol.value} ${address?.text ?? fwmark?.raw ?? ''} but no '-A' line above defines that virtual service`,
      lineSpan,
      'warning',
    );
  }
}
