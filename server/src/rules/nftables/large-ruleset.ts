import { isKubeProxyTable } from '../../node/netfilter';
import { defineRule } from '../rule';
import { tableLabel } from '../../formats/nftables/query';

/**
 * Sync time of kube-proxy's nftables mode grows with Services × endpoints: 13 minutes for 5,000
 * Services / 250,000 endpoints on kernel 6.1 (kubernetes/kubernetes#135639), 40 s just to list the
 * table with 44,000 Services (#139513). Partial syncs (PR #126013) help only after the first full one.
 * Thresholds are the brief's figures scaled down an order of magnitude: where the trouble starts to show.
 */
const SERVICES_HINT = 5000;
const ENDPOINT_CHAINS_HINT = 25000;

export default defineRule({
  meta: {
    id: 'nftables/large-ruleset',
    title: 'kube-proxy nftables table large enough for slow syncs (Services, endpoint chains)',
    severity: 'info',
    reads: 'nftables',
    messages: {
      large:
        'Table {table} holds {services} service-ips elements and {endpoints} endpoint chains. kube-proxy\'s nftables sync time grows with Services × endpoints (13 minutes for 5,000 Services / 250,000 endpoints on kernel 6.1, kubernetes/kubernetes#135639; 40 s to list a table of 44,000 Services, #139513), and a restart needs one full sync in a single transaction. Use kube-proxy 1.31 or later (partial syncs), keep minSyncPeriod at its default or higher, and watch kube-proxy\'s sync duration metrics.',
    },
  },
  *check({ document }) {
    for (const t of document.model.tables) {
      if (!isKubeProxyTable(t)) continue;
      const serviceIps = t.sets.find((s) => s.name.value === 'service-ips');
      const services = serviceIps?.elements.length ?? 0;
      let endpoints = 0;
      for (const c of t.chains) if (c.name.value.startsWith('endpoint-')) endpoints++;
      if (services < SERVICES_HINT && endpoints < ENDPOINT_CHAINS_HINT) continue;
      yield {
        span: serviceIps && services >= SERVICES_HINT ? serviceIps.name.span : t.name.span,
        messageId: 'large',
        data: { table: tableLabel(t), services, endpoints },
      };
    }
  },
});
