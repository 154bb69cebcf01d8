import type { Severity } from '../../core/severity';
import type { IpvsRealServer, IpvsService } from '../../formats/ipvsadm';
import type { Step } from '../../core/shell';
import { defineRule, type CommandFix, type Finding, type Fix, type Related } from '../rule';
import { guarded, note, reviewFix, run, write } from '../shared/commands';
import { connReuseAdvice } from './connReuse';
import { ipvsObservations } from './observations';
import { wholeLineSpan } from '../shared/edits';
import { plural } from '../shared/phrases';
import { cliAddress, cliService, describeService, displayAddress, hostOf, realServerKey } from '../../formats/ipvsadm/query';
import { nodeSysctl } from '../../node/questions';
import { nodePath } from '../../node/nodePath';

/** Variants whose real-server rows show the weight. */
const WEIGHTED = new Set(['list', 'persistent-conn', 'proc', 'save']);

/**
 * NET-IPVS-003: a real server at weight 0 that still carries connections. kube-proxy's graceful
 * termination sets a removed endpoint's weight to 0 and deletes the real server once
 * ActiveConn + InActConn reach 0 (checked every minute; UDP servers are deleted at once).
 */
export default defineRule({
  meta: {
    id: 'ipvs/weight-zero-with-connections',
    title: 'IPVS real server at weight 0 still holding connections (draining or stuck)',
    severity: 'info',
    reads: 'ipvsadm',
    uses: ['sysctl'],
    fix: 'command',
    messages: {
      // {details}: what the node's other captures add (rate, conn_reuse_mode, a withheld command), each sentence with a leading space.
      stillHolds: 'Real server {server} of {service} has weight 0 but still holds {held}. Weight 0 stops new connections while existing ones continue: kube-proxy drains a terminating endpoint this way and deletes the real server once ActiveConn and InActConn reach 0; until then the pod must keep serving, and if it is already gone these clients hang or get resets.{details}',
      stillHoldsInhibited: 'Real server {server} of {service} has weight 0 (marked inhibited: its health check failed) but still holds {held}. Weight 0 stops new connections while existing ones continue: kube-proxy drains a terminating endpoint this way and deletes the real server once ActiveConn and InActConn reach 0; until then the pod must keep serving, and if it is already gone these clients hang or get resets.{details}',
    },
  },
  *check({ document, node }) {
    const { model } = document;
    if (!model.services.some((s) => WEIGHTED.has(s.variant) && s.realServers.some((r) => r.weight?.value === 0))) return;
    const obs = ipvsObservations(node);
    const reuse = nodeSysctl(node, 'net.ipv4.vs.conn_reuse_mode');
    const nodest = nodeSysctl(node, 'net.ipv4.vs.expire_nodest_conn');
    const reuseZero = reuse?.entry.number === 0;

    for (const svc of model.services) {
      if (!WEIGHTED.has(svc.variant)) continue;
      for (const rs of svc.realServers) {
        if (rs.weight?.value !== 0) continue;
        const key = realServerKey(svc, rs);
        const related: Related[] = [];
        // Counters: the row's own columns; a save file has none, so -Lnc tables of the node stand in.
        let active: number;
        let inactive: number;
        let counted: string;
        if (rs.activeConn || rs.inActConn) {
          active = rs.activeConn?.value ?? 0;
          inactive = rs.inActConn?.value ?? 0;
          counted = `${plural(active, 'active connection')} and ${inactive} inactive`;
        } else {
          const c = obs.connections.get(key);
          if (!c) continue;
          active = c.active;
          inactive = c.inactive;
          counted = `${plural(active + inactive, 'connection entry', 'connection entries')} (${active} established) in the connection table of ${nodePath(c.document, node)}`;
          related.push({ document: c.document, span: c.firstSeen, message: `IPVS connection entries to ${displayAddress(rs.address)}` });
        }
        const rate = obs.rates.get(key);
        const cps = rate?.cps ?? 0;
        if (active + inactive === 0 && cps === 0) continue;
        const proto = String(svc.protocol.value).toUpperCase();
        // UDP entries only count as InActConn and live for the UDP timeout (300 s): normal for a few minutes.
        if (proto === 'UDP' && active === 0 && cps === 0) continue;

        const name = describeService(svc);
        const rsName = displayAddress(rs.address);
        const inhibited = rs.extra.some((t) => t.value === 'inhibited');
        const parts: string[] = [];
        if (active === 0 && cps === 0) {
          parts.push('Only inactive entries (TIME_WAIT, FIN_WAIT, CLOSE) remain; they expire within a few minutes, so this is normally transient: check again later.');
        }
        let severity: Severity | undefined;
        if (cps > 0 && rate) {
          severity = 'warning';
          parts.push(`--rate shows ${rate.raw} new connections per second still reaching it (port reuse with conn_reuse_mode = 0, or persistence), so it will not drain.`);
          related.push({ document: rate.document, span: rate.span, message: `${rate.raw} connections/s to ${rsName}` });
        }
        let advice: ReturnType<typeof connReuseAdvice> | undefined;
        if (reuse && reuseZero) {
          related.push({ document: reuse.document, span: reuse.entry.span, message: 'conn_reuse_mode = 0: reused source ports go back to the same real server' });
          if (active > 0) {
            severity = 'warning';
            advice = connReuseAdvice(node);
            parts.push(
              `With ${reuse.entry.key} = 0 (from ${nodePath(reuse.document, node)}) a new connection whose client port matches an old entry is sent to this server again instead of being rescheduled, so it may never drain, and expire_nodest_conn cannot help.`,
              advice.sentence,
            );
          }
        } else if (!reuse && active > 0) {
          parts.push('net.ipv4.vs.conn_reuse_mode is unknown (add sysctl -a to this node folder): if it is 0, as kube-proxy sets it on kernels before 5.9, clients reusing source ports keep landing on this server.');
        }
        if (nodest?.entry.number === 0) {
          related.push({ document: nodest.document, span: nodest.entry.span, message: 'expire_nodest_conn = 0: connections to a deleted real server hang until they time out' });
        }

        const fixes: Fix[] = [];
        if (svc.variant === 'save') {
          fixes.push({
            kind: 'edit',
            title: `Remove real server ${rsName} from ${name} in this save file`,
            edits: [{ span: wholeLineSpan(document.text, rs.span.start), newText: '' }],
            safe: false,
          });
        } else {
          const g = removeFix(`Remove draining real server ${rsName} from ${name} now`, svc, rs, nodest?.entry.number, reuseZero && active > 0, advice);
          if ('fix' in g) fixes.push(g.fix);
          else parts.push(g.withheld);
        }
        const finding: Finding<'stillHolds' | 'stillHoldsInhibited'> = {
          span: rs.address.span,
          messageId: inhibited ? 'stillHoldsInhibited' : 'stillHolds',
          data: { server: rsName, service: name, held: counted, details: parts.map((p) => ` ${p}`).join('') },
          ...(severity ? { severity } : {}),
          ...(related.length ? { related } : {}),
          fixes,
        };
        yield finding;
      }
    }
  },
});

/** Removing a real server cuts its connections, and the dump is a snapshot of a list kube-proxy rewrites. */
const REMOVE_REVIEW = 'removing a real server cuts its remaining connections, and the dump is a snapshot: check that the pod is terminating or gone and that the entry is still listed (ipvsadm -Ln)';

function removeFix(
  title: string,
  svc: IpvsService,
  rs: IpvsRealServer,
  expireNodest: number | undefined,
  reuseZero: boolean,
  advice: ReturnType<typeof connReuseAdvice> | undefined,
): { readonly fix: CommandFix } | { readonly withheld: string } {
  const vs = cliService(svc);
  const r = cliAddress(rs.address);
  return guarded([...(vs?.checks ?? []), ...(r !== undefined ? [['hostPort', r] as const] : [])], () => {
    const steps: Step[] = [
      note(`Check that the pod behind ${displayAddress(rs.address)} is terminating or gone (run where kubectl works):`),
      note(`  kubectl get endpointslices -A -o wide | grep -F '${hostOf(rs.address)}'`),
      note('Caution: removing it cuts its remaining connections (clients see resets or timeouts); kube-proxy re-adds it on its next sync if the endpoint is still ready.'),
    ];
    if (vs && r) steps.push(run('ipvsadm', '-d', ...vs.args, '-r', r));
    else steps.push(note('This dump does not show the numeric address; find it with ipvsadm -Ln, then: ipvsadm -d -t VIP:PORT -r RIP:PORT'));
    if (expireNodest !== 1) {
      steps.push(
        note('Expire connections to removed real servers on their next packet instead of letting them hang (kube-proxy sets this in IPVS mode):'),
        ...(reuseZero ? [note('(ipvs-sysctl.rst: conn_reuse_mode = 0 "will effectively disable expire_nodest_conn"; see the conn_reuse_mode advice below)')] : []),
        run('sysctl', '-w', 'net.ipv4.vs.expire_nodest_conn=1'),
        write('/etc/sysctl.d/90-ipvs-expire-nodest-conn.conf', 'net.ipv4.vs.expire_nodest_conn = 1'),
      );
    }
    if (advice) steps.push(...advice.steps);
    return reviewFix(title, REMOVE_REVIEW, steps);
  });
}
