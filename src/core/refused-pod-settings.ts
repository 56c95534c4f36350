/**
 * What a Kubernetes API server or kubelet refuses in pod specs (of any workload kind, at any depth of the
 * given value): `allowPrivilegeEscalation: false` with `privileged: true` or CAP_SYS_ADMIN (rejected on
 * admission), and `runAsNonRoot: true` with `runAsUser: 0` (the kubelet refuses to start the container).
 * `--fix` and the webhook's patches hold back a fix that would bring one in.
 */
export function refusedPodSettingsIn(value: unknown): string[] {
  const out: string[] = [];
  const visit = (node: unknown, depth: number): void => {
    if (depth > 40 || node === null || typeof node !== 'object') return;
    if (Array.isArray(node)) {
      for (const n of node) visit(n, depth + 1);
      return;
    }
    const o = node as Record<string, unknown>;
    if (Array.isArray(o.containers)) checkPodSpec(o, out);
    for (const v of Object.values(o)) visit(v, depth + 1);
  };
  visit(value, 0);
  return out;
}

function checkPodSpec(spec: Record<string, unknown>, out: string[]): void {
  const podSc = record(spec.securityContext);
  for (const list of [spec.initContainers, spec.containers, spec.ephemeralContainers]) {
    if (!Array.isArray(list)) continue;
    for (const c of list.map(record)) {
      const sc = record(c.securityContext);
      const name = typeof c.name === 'string' ? c.name : '?';
      const added = Array.isArray(record(sc.capabilities).add)
        ? (record(sc.capabilities).add as unknown[]).map((a) => String(a).toUpperCase())
        : [];
      if (sc.allowPrivilegeEscalation === false && sc.privileged === true)
        out.push(`container '${name}' sets allowPrivilegeEscalation: false with privileged: true, which the API server rejects`);
      if (sc.allowPrivilegeEscalation === false && (added.includes('SYS_ADMIN') || added.includes('CAP_SYS_ADMIN')))
        out.push(`container '${name}' sets allowPrivilegeEscalation: false and adds CAP_SYS_ADMIN, which the API server rejects`);
      const nonRoot = sc.runAsNonRoot ?? podSc.runAsNonRoot;
      const user = sc.runAsUser ?? podSc.runAsUser;
      if (nonRoot === true && user === 0)
        out.push(`container '${name}' has runAsNonRoot: true with runAsUser: 0, which the kubelet refuses to start`);
    }
  }
}

function record(v: unknown): Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}
