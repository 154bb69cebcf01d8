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
    messages: {
      smallInFile: '{key} = {value} caps every listen() backlog: under connection bursts (ingress controllers, busy pods) the accept queue overflows and SYNs are dropped, costing clients 1 s retransmissions. This file sets it; on kernels 5.4 and later that lowers the default of {modernDefault}. It is per network namespace: pods need it in securityContext.sysctls (an unsafe sysctl the kubelet must allow).',
      oldKernelDefault: '{key} = {value} caps every listen() backlog: under connection bursts (ingress controllers, busy pods) the accept queue overflows and SYNs are dropped, costing clients 1 s retransmissions. 128 is the default of kernels before 5.4 (this node runs {kernel}). It is per network namespace: pods need it in securityContext.sysctls (an unsafe sysctl the kubelet must allow).',
      oldKernelDefaultKernelUnknown: '{key} = {value} caps every listen() backlog: under connection bursts (ingress controllers, busy pods) the accept queue overflows and SYNs are dropped, costing clients 1 s retransmissions. 128 is the default of kernels before 5.4 (the kernel version is unknown). It is per network namespace: pods need it in securityContext.sysctls (an unsafe sysctl the kubelet must allow).',
      setSmall: '{key} = {value} caps every listen() backlog: under connection bursts (ingress controllers, busy pods) the accept queue overflows and SYNs are dropped, costing clients 1 s retransmissions. The default is {modernDefault} since Linux 5.4 (128 before), so something set this value. It is per network namespace: pods need it in securityContext.sysctls (an unsafe sysctl the kubelet must allow).',
      synBacklogBelow:
        '{synKey} = {syn} is below {key} = {value}: half-open connections are limited before the raised accept queue is, so a SYN burst still overflows (SYN cookies then take over, without TCP options).',
    },
  },
  *check({ document, node }) {
    const file = documentRole(document) === 'file';
    const som = numberOf(document, SOMAXCONN);
    const kernel = node.facts.kernel;
    if (som && som.number <= SMALL) {
      const old = kernel ? !versionAtLeast(kernel.value, [5, 4]) : undefined;
      const data = { key: SOMAXCONN, value: som.number, modernDefault: MODERN_DEFAULT };
      const words =
        file
          ? { messageId: 'smallInFile' as const, data }
          : som.number === 128 && old !== false
            ? kernel
              ? { messageId: 'oldKernelDefault' as const, data: { ...data, kernel: describeFact(kernel, (v) => v.text) } }
              : { messageId: 'oldKernelDefaultKernelUnknown' as const, data }
            : { messageId: 'setSmall' as const, data };
      yield {
        span: som.span,
        ...words,
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
      messageId: 'synBacklogBelow',
      data: { synKey: SYN_BACKLOG, syn: syn.number, key: SOMAXCONN, value: som.number },
      fixes: setValueFixes(document, syn, String(target), {
        title: `Set ${SYN_BACKLOG} = ${target}`,
        safe: true,
        why: ['Let the SYN queue hold as many half-open connections as the accept queue allows.'],
        dropIn: '90-tcp-max-syn-backlog.conf',
      }),
    };
  },
});
