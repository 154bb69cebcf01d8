import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { isKnownKind } from '../../server/src/formats/kind';
import { NodeWorkspace } from '../../server/src/lsp/nodeWorkspace';
import { KIND_BY_PATH, PATH_KIND_ROWS, kindByPath } from '../../server/src/node/bundles';
import { listNodes, nodeOfFile } from '../../server/src/node/folder';
import { SOS_READ_FILES } from '../helpers/bundleFixtures';

/**
 * Support bundles read as nodes: a sosreport is one node, a Cilium sysdump one node per bugtool
 * folder (plus its cluster-wide manifests, read by each); each file's kind is decided by its path,
 * and what no row maps is left out with one note per bundle.
 */
const BUNDLES = join(__dirname, '..', 'fixtures', 'bundles');
const SOS = join(BUNDLES, 'sosreport-node1-2024-05-02-xkqzbtm');
const SYSDUMP = join(BUNDLES, 'cilium-sysdump-20240612-101530');
const NODE_A = join(SYSDUMP, 'cilium-bugtool-cilium-7xkqp-20240612-101530');
const NODE_B = join(SYSDUMP, 'cilium-bugtool-cilium-m2t9d-20240612-101530');

/** sos's own `_mangle_command` (sos/utilities.py), ported: the names sos gives command outputs. */
function soslMangle(command: string): string {
  let m = command.replace(/^\/(?:usr\/|)(?:bin|sbin)\//, '');
  m = m.replace(/[^\w\-./]+/g, '_');
  m = m.replace(/\//g, '.').replace(/^[ ._-]+|[ ._-]+$/g, '');
  return m.slice(0, 255);
}

/** cilium-bugtool's `writeCmdToFile` (bugtool/cmd/root.go): `/` and spaces become `-`, then `.md`. */
const bugtoolName = (command: string): string => `${command.replace(/\//g, ' ').replace(/ /g, '-')}.md`;

describe('node/bundles.ts: the path table', () => {
  it('maps the file names sos gives the commands its plugins run (mangled as sos mangles them)', () => {
    const commands: [plugin: string, command: string, kind: string][] = [
      ['firewall_tables', 'nft -a list ruleset', 'nftables'],
      ['firewall_tables', 'iptables -t nat -nvL', 'iptables'],
      ['firewall_tables', 'iptables -t filter -nvL', 'iptables'],
      ['firewall_tables', 'ip6tables -t mangle -nvL', 'iptables'],
      ['firewall_tables', 'iptables -vnxL', 'iptables'],
      ['conntrack', 'conntrack -L -o extended', 'conntrack'],
      ['conntrack', 'conntrack -S', 'conntrack'],
      ['ipvs', 'ipvsadm -Ln', 'ipvsadm'],
      ['ipvs', 'ipvsadm -Ln --timeout', 'ipvsadm'],
      ['ipvs', 'ipvsadm -Ln --connection', 'ipvsadm'],
      ['kernel', 'sysctl -a', 'sysctl'],
      ['kernel', 'uname -a', 'sysctl'],
      ['networking', '/usr/sbin/ethtool -k flannel.1', 'ethtool'],
      ['networking', 'ethtool -k eth0', 'ethtool'],
      ['networking', 'ip -s -d link', 'ip-link'],
      ['networking', 'ip -d link', 'ip-link'],
      ['networking', 'ip -o addr', 'ip-addr'],
      ['networking', 'ip -d address', 'ip-addr'],
      ['networking', 'ip route show table all', 'ip-route'],
      ['networking', 'ip -6 route show table all', 'ip-route'],
      ['networking', 'ip -4 rule list', 'ip-rule'],
      ['networking', 'bridge -s -s -d link show', 'bridge-link'],
      ['kubernetes/cluster-info/kube-system', 'kubectl get -o json --namespace=kube-system configmaps', 'k8s'],
      ['kubernetes/cluster-info', 'kubectl --kubeconfig=/etc/kubernetes/admin.conf get -o json nodes', 'k8s'],
    ];
    assert.equal(soslMangle('nft -a list ruleset'), 'nft_-a_list_ruleset');
    assert.equal(soslMangle('/usr/sbin/ethtool -k flannel.1'), 'ethtool_-k_flannel.1');
    for (const [plugin, command, kind] of commands) {
      const path = `sos_commands/${plugin}/${soslMangle(command)}`;
      assert.equal(kindByPath('sosreport', path), isKnownKind(kind) ? kind : undefined, path);
    }
    // What sos collects that we do not read, and other network namespaces (pods), stay unmapped.
    for (const path of [
      `sos_commands/networking/${soslMangle('netstat -W -neopa')}`,
      `sos_commands/networking/${soslMangle('ip -s -s neigh show')}`,
      `sos_commands/kubernetes/cluster-info/kube-system/${soslMangle('kubectl get -o json --namespace=kube-system secrets')}`,
      `sos_commands/networking/namespaces/cni-1/${soslMangle('ip netns exec cni-1 iptables-save')}`,
      'sos_commands/kernel/lsmod',
      'proc/sys/net/ipv4/ip_forward',
      'uname',
    ]) assert.equal(kindByPath('sosreport', path), undefined, path);
  });

  it('maps the file names cilium-bugtool gives its commands, in cmd/ or under the archive folder', () => {
    const commands: [string, string][] = [
      ['iptables-save -c', 'iptables'],
      ['iptables-nft-save -c', 'iptables'],
      ['iptables-legacy-save -c', 'iptables'],
      ['iptables -L -v', 'iptables'],
      ['sysctl -a', 'sysctl'],
      ['uname -a', 'sysctl'],
      ['ip -d -s l', 'ip-link'],
      ['ip a', 'ip-addr'],
      ['ip -4 r', 'ip-route'],
      ['ip rule', 'ip-rule'],
    ];
    for (const [command, kind] of commands) {
      for (const dir of ['cmd', 'cilium-bugtool-20240612-101531.412+0000-UTC-3927164013/cmd']) {
        assert.equal(kindByPath('cilium-bugtool', `${dir}/${bugtoolName(command)}`), kind, `${dir} ${command}`);
      }
    }
    assert.equal(kindByPath('cilium-bugtool', `cmd/${bugtoolName('iptables -S')}`), undefined);
    assert.equal(kindByPath('cilium-bugtool', `cmd/${bugtoolName('cilium-dbg status --verbose')}`), undefined);
  });

  it('keeps a row only while its kind is one the formats read (kinds being added join when kind.ts lists them)', () => {
    assert.deepEqual(KIND_BY_PATH, PATH_KIND_ROWS.filter((r) => isKnownKind(r.kind)));
    assert.ok(KIND_BY_PATH.every((r) => isKnownKind(r.kind)));
  });
});

describe('node/folder.ts on bundles', () => {
  it('a sosreport is one node: every mapped file with its kind, the rest left out with one note', () => {
    const { nodes, notes } = listNodes(BUNDLES);
    const sos = nodes.filter((n) => n.dir === SOS);
    assert.equal(sos.length, 1, 'one node for the whole report, not one per folder');
    assert.deepEqual(
      sos[0]!.files.map((f) => `${relative(SOS, f.file)} ${f.kind}`),
      SOS_READ_FILES,
    );
    // manifest.json, sos.log, version.txt, the `uname` and `lsmod` links, lsmod, netstat, the secrets list, proc/, namespaces/.
    const sosNotes = notes.filter((n) => n.path.startsWith(SOS));
    assert.deepEqual(sosNotes, [{ path: SOS, reason: 'its other 10 entries hold nothing kube-netlint reads (a sosreport: 18 files read, chosen by their path)' }]);
  });

  it('a Cilium sysdump with two nodes gives two nodes, each reading the cluster manifests; the manifests are linted once', () => {
    const { nodes } = listNodes(SYSDUMP);
    assert.deepEqual(
      nodes.map((n) => [relative(SYSDUMP, n.dir) || '.', n.files.map((f) => `${f.file.split('/').pop()} ${f.kind}`), (n.context ?? []).map((f) => relative(SYSDUMP, f.file))]),
      [
        ['.', ['cilium-configmap-20240612-101530.yaml k8s', 'k8s-nodes-20240612-101530.yaml k8s', 'k8s-pods-20240612-101530.yaml k8s'], []],
        [
          'cilium-bugtool-cilium-7xkqp-20240612-101530',
          ['ip-rule.md ip-rule', 'iptables-nft-save--c.md iptables', 'sysctl--a.md sysctl', 'uname--a.md sysctl'],
          ['cilium-configmap-20240612-101530.yaml', 'k8s-nodes-20240612-101530.yaml', 'k8s-pods-20240612-101530.yaml'],
        ],
        [
          'cilium-bugtool-cilium-m2t9d-20240612-101530',
          ['iptables-nft-save--c.md iptables', 'sysctl--a.md sysctl', 'uname--a.md sysctl'],
          ['cilium-configmap-20240612-101530.yaml', 'k8s-nodes-20240612-101530.yaml', 'k8s-pods-20240612-101530.yaml'],
        ],
      ],
    );
  });

  it('a file inside a bundle belongs to the whole bundle (found by looking up), with the same files as the walk from the top', () => {
    const deep = join(SOS, 'sos_commands', 'kubernetes', 'cluster-info', 'kube-system', 'kubectl_get_-o_json_--namespace_kube-system_configmaps');
    const fromFile = nodeOfFile(deep).nodes;
    const fromTop = listNodes(SOS).nodes;
    assert.equal(fromFile.length, 1);
    assert.equal(fromFile[0]!.dir, SOS);
    assert.deepEqual(fromFile[0]!.files.map((f) => f.file), fromTop[0]!.files.map((f) => f.file));

    const bugtoolFile = join(NODE_B, 'cilium-bugtool-20240612-101532.087+0000-UTC-1180442975', 'cmd', 'sysctl--a.md');
    const node = nodeOfFile(bugtoolFile).nodes;
    assert.deepEqual(node.map((n) => [n.dir, n.files.length, n.context?.length]), [[NODE_B, 3, 3]]);
    const cluster = nodeOfFile(join(SYSDUMP, 'k8s-nodes-20240612-101530.yaml')).nodes;
    assert.deepEqual(cluster.map((n) => [n.dir, n.files.length, n.context]), [[SYSDUMP, 3, undefined]]);
  });
});

describe('the editor on bundles (lsp/nodeWorkspace.ts)', () => {
  const open = (file: string, languageId: string, text: string) => TextDocument.create(pathToFileURL(file).toString(), languageId, 1, text);

  it("a document inside a sosreport is linted with the whole report: its node, name and facts are the bundle's", () => {
    const ws = new NodeWorkspace(() => undefined);
    const file = join(SOS, 'sos_commands', 'conntrack', 'conntrack_-S');
    const doc = ws.parseOpen(open(file, 'conntrack', 'cpu=0 found=0 invalid=3 insert=0 insert_failed=2 drop=0 early_drop=0 error=0 search_restart=1\n'))!;
    const snapshot = ws.snapshotFor(doc, {});
    assert.equal(snapshot.name, SOS);
    assert.equal(ws.nodeOf(doc.uri), SOS);
    assert.equal(ws.nodeOf(pathToFileURL(join(SOS, 'etc', 'sysctl.d', '99-kubernetes-cri.conf')).toString()), SOS);
    assert.equal(snapshot.documents.length, 18);
    assert.deepEqual([...new Set(snapshot.documents.map((d) => d.kind))].sort(), ['bridge-link', 'conntrack', 'ethtool', 'ip-addr', 'ip-link', 'ip-route', 'ip-rule', 'iptables', 'ipvsadm', 'k8s', 'nftables', 'sysctl']);
    assert.equal(snapshot.facts.kernel?.value.text, '5.4.0-42-generic');
    assert.equal(snapshot.facts.kubeProxyMode?.value, 'iptables');
    assert.equal(snapshot.facts.vxlanDevice?.value, 'flannel.1');
  });

  it('each node of a sysdump has its own facts and reads the cluster manifests', () => {
    const ws = new NodeWorkspace(() => undefined);
    const facts = [NODE_A, NODE_B].map((node) => {
      const cmd = node === NODE_A ? 'cilium-bugtool-20240612-101531.412+0000-UTC-3927164013' : 'cilium-bugtool-20240612-101532.087+0000-UTC-1180442975';
      const doc = ws.parseOpen(open(join(node, cmd, 'cmd', 'sysctl--a.md'), 'sysctl', 'net.ipv4.ip_forward = 1\n'))!;
      const s = ws.snapshotFor(doc, {});
      return [s.name, s.facts.kernel?.value.text, s.facts.kubeProxyVersion?.value.text, s.facts.iptablesBackend?.value];
    });
    assert.deepEqual(facts, [
      [NODE_A, '6.1.0-21-cloud-amd64', 'v1.28.9', 'nf_tables'],
      [NODE_B, '5.4.0-1109-aws', 'v1.28.9', 'nf_tables'],
    ]);
  });
});

describe('package.json: the language VS Code gives each file of a bundle', () => {
  interface Language {
    readonly id: string;
    readonly filenamePatterns?: readonly string[];
    readonly extensions?: readonly string[];
  }
  const manifest = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { contributes: { languages: Language[] } };
  // VS Code's glob, as far as these patterns use it: * and ? within a name, a leading **/ for any folders; without a slash it matches the base name.
  const globToRegExp = (glob: string): RegExp => {
    let re = '';
    for (let i = 0; i < glob.length; i++) {
      const c = glob[i]!;
      if (glob.startsWith('**/', i)) {
        re += '(?:.*/)?';
        i += 2;
      } else if (c === '*') re += '[^/]*';
      else if (c === '?') re += '[^/]';
      else re += /[\w-]/.test(c) ? c : `\\${c}`;
    }
    return new RegExp(`^${re}$`);
  };
  const languageOf = (path: string): string | undefined =>
    manifest.contributes.languages.find((l) => (l.filenamePatterns ?? []).some((g) => globToRegExp(g).test(g.includes('/') ? path : basename(path))))?.id;

  it('every file a bundle maps gets the language of its kind from its name (patterns win over the .md extension)', () => {
    const files = listNodes(BUNDLES).nodes.flatMap((n) => n.files);
    assert.ok(files.length >= 28);
    for (const f of files) {
      // Manifests are YAML or JSON: YAML is ours when its content is a manifest; `kubectl get -o json` lists stay CLI-only.
      if (f.kind === 'k8s') continue;
      assert.equal(languageOf(f.file), f.kind, relative(BUNDLES, f.file));
    }
  });
});
