import { versionAtLeast } from '../../core/version';
import { describeFact } from '../../node/facts';
import { effective } from '../../formats/sysctl';
import type { Step } from '../../core/shell';
import { defineRule, type Fix } from '../rule';
import { note as comment, pipeline, run, safeFix } from '../shared/commands';
import { factRelated, TELL_KERNEL } from '../../node/questions';
import { documentRole } from './shared';
import { wholeLineSpan } from '../shared/edits';

const KEY = 'net.ipv4.tcp_tw_recycle';
const REMOVED_IN = [4, 12];
/** Prints the files (and lines) that still set the key; nothing found is not a failure. */
export const FIND: Step = pipeline(['grep', '-rn', 'tcp_tw_recycle', '/etc/sysctl.conf', '/etc/sysctl.d/', '/run/sysctl.d/', '/usr/lib/sysctl.d/'], [], { quiet: true, mayFail: true });

const WHY =
  'tcp_tw_recycle drops SYNs whose TCP timestamp is older than the last one seen from the same address; behind NAT (every SNATed pod, every load balancer) unrelated clients share an address with unrelated timestamp clocks, so their connections silently fail.';

/**
 * NET-SYS-006: `net.ipv4.tcp_tw_recycle`. On kernels before 4.12 a value of 1 breaks clients
 * behind NAT (error); from 4.12 the key no longer exists, so a file that still sets it only
 * produces an error from `sysctl -p` / `sysctl --system` (hint).
 */
export default defineRule({
  meta: {
    id: 'sysctl/tcp-tw-recycle',
    title: 'tcp_tw_recycle enabled (drops connections from clients behind NAT) or set although removed',
    severity: 'error',
    reads: 'sysctl',
    fix: 'edit',
    messages: {
      setButRemoved:
        'A sysctl file still sets {key}, which this kernel no longer has (removed in Linux 4.12), so applying it prints this error. Delete the line from that file; for TIME_WAIT pressure use net.ipv4.tcp_tw_reuse = 1 instead.',
      removedInFile:
        '{key} was removed in Linux 4.12 and this node runs {kernel}: the key no longer exists, so `sysctl -p` / `sysctl --system` report an error for this line. Delete it (for TIME_WAIT pressure use net.ipv4.tcp_tw_reuse = 1).',
      onOldKernel: `{key} = {value} on a kernel that still honours it (before 4.12): ${WHY}`,
      onInFileKernelUnknown: `{key} = {value}: on kernels before 4.12 ${WHY.charAt(0).toLowerCase()}${WHY.slice(1)} The kernel version is unknown (${TELL_KERNEL}); from 4.12 the key is gone and the line only produces an error.`,
      onInFile: `{key} = {value} and this node runs {kernel}, which still honours it: ${WHY}`,
    },
  },
  *check({ document, node }) {
    const file = documentRole(document) === 'file';
    const kernel = node.facts.kernel;
    const removed = kernel ? versionAtLeast(kernel.value, REMOVED_IN) : undefined;
    const kernelText = kernel ? describeFact(kernel, (v) => v.text) : undefined;

    // `sysctl --system` on a new kernel: "cannot stat /proc/sys/net/ipv4/tcp_tw_recycle" names a leftover file.
    for (const note of document.model.notes) {
      if (note.key !== KEY || !['cannot-stat', 'unknown-key', 'setting-key'].includes(note.kind)) continue;
      yield {
        span: note.keySpan ?? note.span,
        severity: 'hint',
        messageId: 'setButRemoved',
        data: { key: KEY },
        fixes: [safeFix('Find the file that still sets tcp_tw_recycle', [comment('Delete the tcp_tw_recycle line from the file this prints (the key was removed in Linux 4.12):'), FIND])],
      };
    }

    const e = effective(document.model, KEY);
    if (!e || e.glob) return;
    const on = e.number !== undefined && e.number !== 0;
    const line = wholeLineSpan(document.text, e.span.start);
    const deleteFix: Fix = { kind: 'edit', title: `Delete the ${KEY} line`, safe: true, edits: [{ span: line, newText: '' }] };

    if (file && removed) {
      yield {
        span: e.span,
        severity: 'hint',
        messageId: 'removedInFile',
        data: { key: KEY, kernel: kernelText ?? '' },
        related: factRelated(kernel, `kernel ${kernel!.value.text}`),
        fixes: [deleteFix],
      };
      return;
    }
    if (!on) return;
    if (!file) {
      // The running kernel shows the key: it is older than 4.12 and honours it.
      yield {
        span: e.span,
        messageId: 'onOldKernel',
        data: { key: KEY, value: e.value.value },
        fixes: [
          safeFix(`Turn ${KEY} off`, [comment(WHY), run('sysctl', '-w', `${KEY}=0`), comment('And delete the line that sets it from the file this prints, so a reboot does not turn it on again:'), FIND]),
        ],
      };
      return;
    }
    const unknown = removed === undefined;
    yield {
      span: e.span,
      ...(unknown ? { severity: 'warning' as const } : {}),
      ...(unknown ? { messageId: 'onInFileKernelUnknown' as const, data: { key: KEY, value: e.value.value } } : { messageId: 'onInFile' as const, data: { key: KEY, value: e.value.value, kernel: kernelText ?? '' } }),
      ...(kernel ? { related: factRelated(kernel, `kernel ${kernel.value.text}`) } : {}),
      fixes: [deleteFix],
    };
  },
});
