import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';

export type Severity = 'critical' | 'high' | 'medium' | 'low' | 'info';
export const SEVERITIES: readonly Severity[] = ['critical', 'high', 'medium', 'low', 'info'];

/** One checkbox per severity, kept in the page's `severity` parameter as a comma-separated list. */
export function SeverityFilter({ severity, go }: { severity: string; go(change: { severity: string }): void }) {
  const chosen = new Set(severity.split(',').filter(Boolean));
  const toggle = (s: string) => {
    const next = new Set(chosen);
    if (next.has(s)) next.delete(s);
    else next.add(s);
    go({ severity: [...next].join(',') });
  };
  return (
    <span class="severity-filter">
      {SEVERITIES.map((s) => (
        <label>
          <input type="checkbox" name="severity" value={s} checked={chosen.has(s)} onChange={() => toggle(s)} /> {s}
        </label>
      ))}
    </span>
  );
}

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

/** The start of a range of `ms` that ends now, on the hour: the same URL (and answer) for every render within the hour. */
export function rangeStart(ms: number, now = Date.now()): string {
  return new Date(Math.floor(now / 3_600_000) * 3_600_000 - ms).toISOString();
}

/** The range select of a page's filter form (24 hours, 7 or 30 days), applied at once. */
export function RangeSelect({ label, value, go }: { label: string; value: string | undefined; go(change: { range: string }): void }) {
  return (
    <label>
      {label}{' '}
      <select name="range" value={value} onChange={(e) => go({ range: (e.target as HTMLSelectElement).value })}>
        <option value="24h">last 24 hours</option>
        <option value="7d">last 7 days</option>
        <option value="30d">last 30 days</option>
      </select>
    </label>
  );
}

export const day = (iso: string | null | undefined): string => (iso ? iso.slice(0, 10) : '');
export const when = (iso: string | null | undefined): string => (iso ? iso.replace('T', ' ').slice(0, 16) + ' UTC' : '');

export interface PageProps {
  target?: number;
  params: URLSearchParams;
  onUnauthorized(): void;
}

/**
 * The text fields of a filter form: what is typed stays while the list refreshes (the form is keyed
 * by the filters in the URL), and `typed()` gives the values, trimmed, to apply on submit.
 */
export function useTextFilters<K extends string>(current: Record<string, string | number | undefined>, names: readonly K[]) {
  const [text, setText] = useState(() => Object.fromEntries(names.map((n) => [n, String(current[n] ?? '')])) as Record<K, string>);
  const field = (name: K, placeholder: string) => (
    <input
      name={name}
      placeholder={placeholder}
      value={text[name]}
      onInput={(e) => setText({ ...text, [name]: (e.target as HTMLInputElement).value })}
    />
  );
  const typed = () => Object.fromEntries(names.map((n) => [n, text[n].trim()])) as Record<K, string>;
  return { field, typed };
}
