import { IPVS_SCHEDULERS, type IpvsRealServer } from '../../formats/ipvsadm';
import { defineRule, type Fix } from '../rule';
import { guarded, note, reviewFix, run } from '../shared/commands';
import { cliService, describeService, displayAddress } from '../../formats/ipvsadm/query';

/** Uneven means: the busiest real server holds more than this many times the mean ActiveConn ... */
const SKEW_FACTOR = 3;
/** ... and at least this many active connections (a handful of connections is noise). */
const SKEW_MIN_ACTIVE = 10;

/**
 * NET-IPVS-008: scheduler and persistence review. In a save file a scheduler the kernel does not
 * know makes `ipvsadm -R` fail; in a listing, round-robin with strongly uneven ActiveConn points at
 * long-lived connections (or at client persistence) that round-robin cannot balance.
 */
export default defineRule({
  meta: {
    id: 'ipvs/scheduler-persistence-review',
    title: 'IPVS scheduler review: unknown scheduler, or round-robin with uneven active connections',
    severity: 'info',
    reads: 'ipvsadm',
    fix: 'command',
    messages: {
      unknownScheduler: "Scheduler '{scheduler}' of {service} is not an IPVS scheduler ({schedulers}): ipvsadm -R stops at this line and the services after it are not restored.",
      skewPersistent:
        "Round-robin {service}: real server {server} holds {active} active connections, {ratio}× the mean of {mean} over {servers} weighted real servers. The service is persistent ({persistence}: kube-proxy's sessionAffinity: ClientIP), which pins every client address to one real server for that long; a few busy clients, or many clients behind one SNAT address, explain the skew, and another scheduler would not change it.",
      skewRoundRobin: 'Round-robin {service}: real server {server} holds {active} active connections, {ratio}× the mean of {mean} over {servers} weighted real servers. Round-robin spreads new connections evenly but ignores how long they live, so long-lived connections (gRPC, WebSockets, database pools) pile up on the servers that were there first (after scale-ups or restarts); a least-connection scheduler (lc/wlc) accounts for active connections.',
      skewRoundRobinFixWithheld: 'Round-robin {service}: real server {server} holds {active} active connections, {ratio}× the mean of {mean} over {servers} weighted real servers. Round-robin spreads new connections evenly but ignores how long they live, so long-lived connections (gRPC, WebSockets, database pools) pile up on the servers that were there first (after scale-ups or restarts); a least-connection scheduler (lc/wlc) accounts for active connections. {withheld}',
    },
  },
  *check({ document }) {
    for (const svc of document.model.services) {
      const sched = svc.scheduler;
      if (!sched) continue;
      const name = describeService(svc);
      if (svc.variant === 'save') {
        if (!IPVS_SCHEDULERS.includes(sched.value)) {
          yield {
            span: sched.span,
            severity: 'error',
            messageId: 'unknownScheduler',
            data: { scheduler: sched.value, service: name, schedulers: IPVS_SCHEDULERS.join(', ') },
          };
        }
        continue;
      }
      if (sched.value !== 'rr') continue;
      const skew = skewOf(svc.realServers);
      if (!skew) continue;
      const { top, mean, n } = skew;
      const head = { service: name, server: displayAddress(top.address), active: top.activeConn!.value, ratio: ratio(top.activeConn!.value, mean), mean: mean.toFixed(1), servers: n };
      const p = svc.persistence;
      if (p) {
        yield {
          span: sched.span,
          messageId: 'skewPersistent',
          data: { ...head, persistence: p.timeout ? `${p.timeout.value} s` : 'the default 300 s' },
        };
        continue;
      }
      const fixes: Fix[] = [];
      const vs = cliService(svc);
      const g =
        vs &&
        guarded(vs.checks, () =>
          reviewFix(`Switch ${name} to least-connection scheduling`, 'it changes how every new connection of this virtual service is balanced, and kube-proxy resets it on its next sync', [
            note('kube-proxy (IPVS mode) owns its virtual services and resets the scheduler on its next sync. Change it for every Service in'),
            note('the KubeProxyConfiguration instead:  ipvs: {scheduler: "lc"}  then restart kube-proxy (kubectl -n kube-system rollout restart daemonset kube-proxy).'),
            note('For a virtual service you manage yourself (ip_vs_lc must be loadable):'),
            run('ipvsadm', '-E', ...vs.args, '-s', 'lc'),
          ]),
        );
      if (g && 'fix' in g) fixes.push(g.fix);
      yield {
        span: sched.span,
        ...(g && 'withheld' in g ? { messageId: 'skewRoundRobinFixWithheld' as const, data: { ...head, withheld: g.withheld } } : { messageId: 'skewRoundRobin' as const, data: head }),
        ...(fixes.length ? { fixes } : {}),
      };
    }
  },
});

function skewOf(rss: readonly IpvsRealServer[]): { top: IpvsRealServer; mean: number; n: number } | undefined {
  // Draining (weight 0) servers are uneven by design; rows cut short carry no evidence.
  const weighted = rss.filter((r) => r.activeConn && (r.weight === undefined || r.weight.value > 0));
  if (weighted.length < 2) return undefined;
  let sum = 0;
  let top = weighted[0]!;
  for (const r of weighted) {
    sum += r.activeConn!.value;
    if (r.activeConn!.value > top.activeConn!.value) top = r;
  }
  const mean = sum / weighted.length;
  const max = top.activeConn!.value;
  if (max < SKEW_MIN_ACTIVE || max <= SKEW_FACTOR * mean) return undefined;
  return { top, mean, n: weighted.length };
}

function ratio(x: number, mean: number): string {
  return (x / mean).toFixed(1);
}
