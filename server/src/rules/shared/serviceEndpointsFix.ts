import type { Fix } from '../rule';
import { guarded, note, run, safeFix } from './commands';

/**
 * The read-only kubectl queries offered for a kube-proxy Service without endpoints, in iptables
 * and nftables mode alike. Namespace and name come from the dump (a kube-proxy comment): a value
 * that is no Kubernetes name is not from kube-proxy, and no query is offered for it. `local` adds
 * the health-check port query that externalTrafficPolicy: Local relies on.
 */
export function serviceEndpointsFix(namespace: string, name: string, local = false): Fix[] {
  const g = guarded(
    [
      ['k8sName', namespace],
      ['k8sName', name],
    ],
    () =>
      safeFix(`Show the endpoints of Service ${namespace}/${name}`, [
        note(`Which endpoints does ${namespace}/${name} have, and are they ready?`),
        run('kubectl', '-n', namespace, 'get', 'endpointslices', '-l', `kubernetes.io/service-name=${name}`, '-o', 'wide'),
        run('kubectl', '-n', namespace, 'describe', 'service', name),
        ...(local
          ? [note('For externalTrafficPolicy: Local, the load balancer should health-check this port on every node:'), run('kubectl', '-n', namespace, 'get', 'service', name, '-o', 'jsonpath={.spec.healthCheckNodePort}')]
          : []),
      ]),
  );
  return 'fix' in g ? [g.fix] : [];
}
