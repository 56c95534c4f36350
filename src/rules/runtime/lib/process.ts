/** Process facts of the runtime rules over Falco and Tetragon events. */
import type { HostEventDocument, WorkloadFacts } from '../../../parsers/events/event-documents.js';
import { baseName } from '../../../sources/events/host-event.js';

export { baseName };

/** Shells and interpreters an attacker gets a prompt or runs a one-liner with. */
export const SHELLS = new Set(['sh', 'bash', 'dash', 'ash', 'zsh', 'ksh', 'mksh', 'csh', 'tcsh', 'fish', 'busybox']);
export const INTERPRETERS =
  /^(?:python[0-9.]*|perl[0-9.]*|ruby[0-9.]*|node|nodejs|php[0-9.]*|lua[0-9.]*|tclsh[0-9.]*|nc|ncat|netcat|socat|telnet|curl|wget)$/;

/** `pod llm/vllm-0 (vLLM model server)`. */
export function describePod(doc: HostEventDocument, target?: WorkloadFacts): string {
  const h = doc.host;
  const pod = h.pod ? `pod ${h.namespace ?? 'default'}/${h.pod}` : `node ${h.node ?? '?'}`;
  return target ? `${pod} (${target.label}${target.kind === 'model-server' && !/server/i.test(target.label) ? ' model server' : ''})` : pod;
}

/** `/usr/bin/bash -i` shortened for a message. */
export function commandLine(doc: HostEventDocument): string {
  const h = doc.host;
  const line = `${h.binary ?? '?'}${h.args ? ` ${h.args}` : ''}`;
  return line.length > 120 ? line.slice(0, 120) + '…' : line;
}

/** The object path of a host event's field, in the source's own shape. */
export function hostPath(doc: HostEventDocument, field: 'binary' | 'path' | 'destination' | 'parent'): (string | number)[] {
  if (doc.host.source === 'falco') {
    const key = field === 'binary' ? 'proc.exepath' : field === 'path' ? 'fd.name' : field === 'destination' ? 'fd.sip' : 'proc.pname';
    return ['output_fields', key];
  }
  const body = doc.host.type === 'exec' ? 'process_exec' : 'process_kprobe';
  if (field === 'binary') return [body, 'process', 'binary'];
  if (field === 'parent') return [body, 'parent', 'binary'];
  return [body, 'args'];
}
