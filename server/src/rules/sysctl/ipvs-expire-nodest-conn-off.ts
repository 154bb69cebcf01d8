import { defineRule } from '../rule';
import { TELL_KUBE_PROXY_MODE } from '../../node/questions';
import { documentRole, ipvsUsage, nodeNumber, setValueFixes, severityFor } from './shared';
import { numberOf } from '../../formats/sysctl/query';

const SETTINGS = [
  {
    key: 'net.ipv4.vs.expire_nodest_conn',
    dropIn: '90-ipvs-expire-nodest-conn.conf',
    why: 'packets of connections whose real server was removed are silently dropped until the IPVS entry times out (the IPVS TCP timeout, 900 s by default), so clients hang instead of failing fast and reconnecting',
  },
  {
    key: 'net.ipv4.vs.expire_quiescent_template',
    dropIn: '90-ipvs-expire-quiescent-template.conf',
    why: 'persistence templates (sessionAffinity: ClientIP) keep sending new connections of a client to a real server at weight 0, i.e. to a pod that is terminating',
  },
] as const;

/**
 * NET-IPVS-005: `expire_nodest_conn` / `expire_quiescent_template` at 0 where IPVS proxies
 * Services. Current kube-proxy sets both to 1 when it starts in IPVS mode.
 */
export default defineRule({
  meta: {
    id: 'sysctl/ipvs-expire-nodest-conn-off',
    title: 'IPVS expire_nodest_conn / expire_quiescent_template off (connections to removed pods hang)',
    severity: 'info',
    reads: 'sysctl',
    uses: ['k8s', 'ipvsadm'],
    fix: 'edit',
    messages: {
      // {after}: why kube-proxy's 1 is not in effect (or nothing); {reuse}: the conn_reuse_mode = 0 caveat (or nothing).
      offIpvsInUse: '{key} = 0: {why}. IPVS is in use: {evidence}; kube-proxy in IPVS mode sets this to 1 when it starts{after}.{reuse}',
      offModeUnknown: `{key} = 0: {why}. Whether IPVS proxying is in use is unknown (${TELL_KUBE_PROXY_MODE}); vs/conntrack = 1 suggests kube-proxy IPVS mode.{reuse}`,
    },
  },
  *check({ document, node }) {
    const usage = ipvsUsage(node);
    if (usage.state === 'other') return;
    // Unknown mode: only where vs/conntrack = 1 (what kube-proxy sets in IPVS mode) hints at IPVS proxying.
    const conntrack = nodeNumber(document, node, 'net.ipv4.vs.conntrack');
    if (usage.state === 'unknown' && conntrack?.entry.number !== 1) return;
    const file = documentRole(document) === 'file';
    const reuse = numberOf(document, 'net.ipv4.vs.conn_reuse_mode');
    for (const s of SETTINGS) {
      const e = numberOf(document, s.key);
      if (!e || e.number !== 0) continue;
      const base = {
        key: s.key,
        why: s.why,
        reuse: s.key === 'net.ipv4.vs.expire_nodest_conn' && reuse?.number === 0 ? ' With conn_reuse_mode = 0 a reused client port also keeps going to the old server, whatever this says (see sysctl/ipvs-conn-reuse-mode).' : '',
      };
      const words =
        usage.state === 'ipvs'
          ? {
              messageId: 'offIpvsInUse' as const,
              data: {
                ...base,
                evidence: usage.evidence,
                after: file ? ', and re-applying this file (boot, `sysctl --system`) sets it back to 0' : usage.kubeProxy ? ', so 0 here means something re-applied sysctls after it or kube-proxy is old' : '',
              },
            }
          : { messageId: 'offModeUnknown' as const, data: base };
      const severity = severityFor('info', usage.state === 'unknown');
      yield {
        span: e.span,
        ...words,
        ...(severity ? { severity } : {}),
        ...(usage.state === 'ipvs' ? { related: usage.related } : {}),
        fixes: setValueFixes(document, e, '1', {
          title: `Set ${s.key} = 1`,
          safe: true,
          why: [`With 0, ${s.why}.`],
          dropIn: s.dropIn,
        }),
      };
    }
  },
});
