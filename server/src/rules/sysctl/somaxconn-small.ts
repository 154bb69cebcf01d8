import { versionAtLeast } from '../../core/version';
import { describeFact } from '../../node/facts';
import { defineRule } from '../rule';
import { documentRole, setValueFixes } from './shared';
import { numberOf } from '../../formats/sysctl/query';

const SOMAXCONN = 'net.core.somaxconn';
const SYN_BACKLOG = 'net.ipv4.tcp_max_syn_backlog';
/** At or below this the accept queue overflows under bursts (the brief's threshold). */
const SMALL = 1024;
/** Default since Linux 5.4 (128 before). */
const MODERN_DEFAULT = 4096;
const RECOMMENDED_SYN_BACKLOG = 8192;

/**
 * NET-SYS-005: `net.core.somaxconn` ≤ 1024 caps every listen() backlog (info); and, where the
 * cap was raised, a `tcp_max_syn_backlog` below it (hint). Kernel defaults alone (somaxconn 4096
 * with a memory-scaled SYN backlog) are not reported.
 */
export default defineRule({
  meta: {
    id: 'sysctl/somaxconn-small',
    title: 'Small listen backlog cap (net.core.somaxconn) drops connections under bursts',
    severity: 'info',
    reads: 'sysctl',
    fix: 'edit',
  },
  *check({ document, node }) {
    const file = documentRole(document) === 'file';
    const som = numberOf(document, SOMAXCONN);
    const kernel = node.facts.kernel;
    if (som && som.number <= SMALL) {
      let origin: string;
      const old = kernel ? !versionAtLeast(kernel.value, [5, 4]) : undefined;
      if (file) origin = `This file sets it; on kernels 5.4 and later that lowers the default of ${MODERN_DEFAULT}.`;
      else if (som.number === 128 && old !== false) origin = `128 is the default of kernels before 5.4 (${kernel ? `this node runs ${describeFact(kernel, (v) => v.text)}` : 'the kernel version is unknown'}).`;
      else origin = `The default is ${MODERN_DEFAULT} since Linux 5.4 (128 before), so something set this value.`;
      yield {
        span: som.span,
        message: `${SOMAXCONN} = ${som.number} caps every listen() backlog: under connection bursts (ingress controllers, busy pods) the accept queue overflows and SYNs are dropped, costing clients 1 s retransmissions. ${origin} It is per network namespace: pods need it in securityContext.sysctls (an unsafe sysctl the kubelet must allow).`,
        fixes: setValueFixes(document, som, String(MODERN_DEFAULT), {
          title: `Set ${SOMAXCONN} = ${MODERN_DEFAULT}`,
          safe: true,
          why: ['A larger accept-queue cap keeps bursts of new connections from being dropped.'],
          dropIn: '90-somaxconn.conf',
        }),
      };
    }

    // The SYN backlog only matters against a cap someone raised: a file setting both, or a running value above the default.
    const syn = numberOf(document, SYN_BACKLOG);
    if (!som || !syn || syn.number >= som.number) return;
    if (!file && som.number <= MODERN_DEFAULT) return;
    const target = Math.max(RECOMMENDED_SYN_BACKLOG, som.number);
    yield {
      span: syn.span,
      severity: 'hint',
      message: `${SYN_BACKLOG} = ${syn.number} is below ${SOMAXCONN} = ${som.number}: half-open connections are limited before the raised accept queue is, so a SYN burst still overflows (SYN cookies then take over, without TCP options).`,
      fixes: setValueFixes(document, syn, String(target), {
        title: `Set ${SYN_BACKLOG} = ${target}`,
        safe: true,
        why: ['Let the SYN queue hold as many half-open connections as the accept queue allows.'],
        dropIn: '90-tcp-max-syn-backlog.conf',
      }),
    };
  },
});
