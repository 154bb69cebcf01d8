/**
 * The keepalive time every rule recommends when it asks for a lower `net.ipv4.tcp_keepalive_time`.
 * One value for all of them, because they write the same sysctl.d drop-in
 * (`90-tcp-keepalive.conf`): 60 s is below every idle limit they check (Azure LB 240 s, AWS NAT/NLB
 * 350 s, GCP 600 s, IPVS tcp 900 s) and is what Google Cloud's documentation recommends.
 */
export const RECOMMENDED_KEEPALIVE_SECONDS = 60;

/** The keepalive to recommend below an idle timeout: the shared value, or lower for very short timeouts. */
export function keepaliveBelow(idleTimeoutSeconds: number): number {
  return Math.max(1, Math.min(RECOMMENDED_KEEPALIVE_SECONDS, Math.floor((idleTimeoutSeconds * 2) / 3)));
}
