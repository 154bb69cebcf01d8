import { appendToSequence, child, type TextEdit } from '../../formats/k8s';
import { defineRule, type Fix } from '../rule';
import { containerSpan, editIn, flannelWorkloads, mergeInsertions, normalisePath, overlaps, uniqueName } from './manifest';

const LOCK = '/run/xtables.lock';
/** Host paths that are the lock file, or directories holding it (`/var/run` is a symlink to `/run` on current distributions). */
const HOST_LOCK = new Set([LOCK, '/var/run/xtables.lock']);
const HOST_RUN = new Set(['/run', '/var/run']);

/** NET-FL-005: flanneld's iptables does not share the host's xtables lock. */
export default defineRule({
  meta: {
    id: 'flannel/without-xtables-lock',
    title: 'flanneld does not mount the host /run/xtables.lock',
    severity: 'info',
    reads: 'k8s',
    fix: 'edit',
    messages: {
      noLockMount:
        'flanneld ({container}) does not mount the host\'s {lock}: iptables serialises writers through that file, so flannel\'s rule updates do not wait for kube-proxy\'s (or the host\'s) and can fail with "Another app is currently holding the xtables lock" or race with them. The upstream flannel and kube-proxy manifests mount it as a hostPath (type FileOrCreate).',
    },
  },
  *check({ document }) {
    const { model, text } = document;
    for (const { workload: w, flanneld } of flannelWorkloads(model, text)) {
      for (const c of flanneld) {
        const shared = c.volumeMounts.some((m) => {
          const vol = w.volumes.find((v) => v.name?.value === m.name?.value);
          const host = normalisePath(vol?.hostPath?.path?.value);
          const at = normalisePath(m.mountPath?.value);
          if (!host || !at) return false;
          return (at === LOCK && HOST_LOCK.has(host)) || (at === '/run' && HOST_RUN.has(host));
        });
        if (shared) continue;
        const existing = w.volumes.find((v) => HOST_LOCK.has(normalisePath(v.hostPath?.path?.value) ?? ''));
        const name = existing?.name?.value ?? uniqueName(w.volumes.map((v) => v.name?.value), 'xtables-lock');
        const edits: TextEdit[] = [];
        const mount = editIn(text, model, child(c.ref, 'volumeMounts'), (s, r) => appendToSequence(s, r, { name, mountPath: LOCK, readOnly: false }));
        const volume = existing ? [] : editIn(text, model, child(w.podSpecRef, 'volumes'), (s, r) => appendToSequence(s, r, { name, hostPath: { path: LOCK, type: 'FileOrCreate' } }));
        const fixes: Fix[] = [];
        if (mount && volume) {
          edits.push(...mount, ...volume);
          const merged = mergeInsertions(edits);
          if (!overlaps(merged)) fixes.push({ kind: 'edit', title: `Mount the host's ${LOCK} into ${c.name?.value ?? 'flanneld'}`, edits: merged, safe: true });
        }
        yield {
          span: containerSpan(text, c),
          messageId: 'noLockMount',
          data: { container: c.name?.value ?? 'container', lock: LOCK },
          ...(fixes.length ? { fixes } : {}),
        };
      }
    }
  },
});
