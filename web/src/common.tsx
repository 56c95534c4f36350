import type { ComponentChildren } from 'preact';

export type Severity = 'critical' | 'high' | 'medium' | 'low' | 'info';
export const SEVERITIES: readonly Severity[] = ['critical', 'high', 'medium', 'low', 'info'];

export function SeverityBadge({ severity }: { severity: string }) {
  return <span class={`sev sev-${severity}`}>{severity}</span>;
}

export function Panel({ title, children, id }: { title: string; children: ComponentChildren; id?: string }) {
  return (
    <section class="panel" id={id}>
      <h2>{title}</h2>
      {children}
    </section>
  );
}

export function Status({ loading, error }: { loading: boolean; error?: string }) {
  if (error) return <p class="error">Could not load: {error}</p>;
  if (loading) return <p class="muted">Loading…</p>;
  return null;
}

export const day = (iso: string | null | undefined): string => (iso ? iso.slice(0, 10) : '');
export const when = (iso: string | null | undefined): string => (iso ? iso.replace('T', ' ').slice(0, 16) + ' UTC' : '');

export interface PageProps {
  target?: number;
  params: URLSearchParams;
  onUnauthorized(): void;
}
