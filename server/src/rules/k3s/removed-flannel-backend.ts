import { downgrade, type Severity } from '../../core/severity';
import { compareVersions } from '../../core/version';
import { describeFact } from '../../node/facts';
import { allDocuments, child, setScalar } from '../../formats/k8s';
import { editIn } from '../flannel/manifest';
import { defineRule, type Fix } from '../rule';

/** k3s releases that dropped a flannel backend (docs.k3s.io "Basic Network Options", k3s-io/k3s#7297, v1.27.1+k3s1 release notes). */
const REMOVED: Readonly<Record<string, { readonly removedIn: readonly number[]; readonly why: string }>> = {
  ipsec: {
    removedIn: [1, 27],
    why: 'the strongSwan ipsec backend was deprecated and removed in k3s v1.27: the server exits with "The ipsec backend is deprecated and was removed in k3s v1.27; please switch to wireguard-native" (k3s-io/k3s#7297), and k3s has not shipped the swanctl/charon binaries since its 2022-12 releases (v1.26.0, v1.25.5, v1.24.9, v1.23.15)',
  },
  wireguard: {
    removedIn: [1, 27],
    why: 'the wireguard backend (userspace wg tooling) was replaced by wireguard-native, which talks to the kernel module directly; k3s v1.27 no longer accepts "wireguard"',
  },
};

/** NET-K3S-001: a k3s config selects a flannel backend that current k3s refuses. */
export default defineRule({
  meta: {
    id: 'k3s/removed-flannel-backend',
    title: 'k3s flannel-backend removed in current k3s (ipsec, wireguard)',
    severity: 'error',
    reads: 'k8s',
    fix: 'edit',
    messages: {
      versionUnknown: 'flannel-backend: {backend} — {why}. The k3s version is unknown: k3s {since} and later refuse to start with it, older releases still run it (deprecated). Set kubeNetlint.facts.kubeProxyVersion to the k3s version (k3s embeds kube-proxy) to get a firm verdict. Valid backends: vxlan (default), host-gw, wireguard-native, none; switching the backend of a running cluster needs every node restarted.',
      refused: 'flannel-backend: {backend} — {why}. k3s {version} is {since} or later, so the server does not start with this setting. Valid backends: vxlan (default), host-gw, wireguard-native, none; switching the backend of a running cluster needs every node restarted.',
      stillRuns: 'flannel-backend: {backend} — {why}. k3s {version} still runs it, but upgrading to {since} or later will stop the server until the backend is changed. Valid backends: vxlan (default), host-gw, wireguard-native, none; switching the backend of a running cluster needs every node restarted.',
    },
  },
  *check({ document, node }) {
    const { model, text } = document;
    // k3s embeds kube-proxy: its version is the k3s version.
    const version = node.facts.kubeProxyVersion;
    for (const d of allDocuments(model)) {
      const fb = d.k3s?.flannelBackend;
      if (!fb?.present) continue;
      const value = fb.value.toLowerCase();
      const removed = REMOVED[value];
      if (!removed) continue;
      const since = `v${removed.removedIn.join('.')}`;
      let severity: Severity | undefined;
      let messageId: 'versionUnknown' | 'refused' | 'stillRuns';
      if (!version) {
        severity = downgrade('error');
        messageId = 'versionUnknown';
      } else if (compareVersions(version.value, removed.removedIn) >= 0) {
        messageId = 'refused';
      } else {
        severity = 'warning';
        messageId = 'stillRuns';
      }
      const fixes: Fix[] = [];
      const edits = editIn(text, model, child(d.ref, 'flannel-backend'), (s, r) => setScalar(s, r, 'wireguard-native'));
      if (edits) {
        fixes.push({ kind: 'edit', title: 'Use flannel-backend: wireguard-native (needs the WireGuard kernel module on every node; restart all servers and agents)', edits, safe: false });
      }
      yield {
        span: fb.span,
        messageId,
        data: { backend: fb.value, why: removed.why, since, ...(version ? { version: describeFact(version, (v) => v.text) } : {}) },
        ...(severity ? { severity } : {}),
        ...(fixes.length ? { fixes } : {}),
      };
    }
  },
});
