/**
 * Kubernetes' dependent environment variables, expanded as the kubelet expands them
 * (k8s.io/kubernetes third_party/forked/golang/expansion): `$(NAME)` in an `env` value is the value
 * of a variable defined before it (by `envFrom` or an earlier `env` entry), and in `command` and
 * `args` the value of any variable of the container; `$$` is a `$`, so `$$(NAME)` is the text
 * `$(NAME)`; a reference to a variable that is not defined stays as written.
 */

/**
 * A variable's value: text as the spec writes it; `null` when it is defined but the spec does not
 * hold its value (a Secret, ConfigMap or field supplies it at run time); `undefined` when it is not defined.
 */
export type VariableValue = string | null | undefined;

/**
 * How much longer than its text an expansion may grow, in characters: past it the value counts as
 * not known (`null`). Each entry may paste in earlier ones whole, so a short list of `$(A)$(A)`
 * entries would otherwise double its way to gigabytes; no value a rule judges (a token, a flag)
 * comes near it.
 */
export const MAX_EXPANDED_LENGTH = 4096;

/**
 * `text` with its `$(NAME)` references expanded; `null` when one refers to a variable whose value the
 * spec does not hold, or when the references add more than `MAX_EXPANDED_LENGTH` characters. With
 * `notKnown`, such a reference is replaced by what `notKnown` gives instead, and the expansion goes on.
 */
export function expandReferences(text: string, lookup: (name: string) => VariableValue): string | null;
export function expandReferences(text: string, lookup: (name: string) => VariableValue, notKnown: (name: string) => string): string;
export function expandReferences(
  text: string,
  lookup: (name: string) => VariableValue,
  notKnown?: (name: string) => string,
): string | null {
  const lastClose = text.lastIndexOf(')');
  let out = '';
  let copied = 0;
  let grown = 0;
  for (let i = 0; i < text.length - 1; i++) {
    if (text[i] !== '$') continue;
    out += text.slice(copied, i);
    const next = text[i + 1];
    const close = next === '(' && i + 2 <= lastClose ? text.indexOf(')', i + 2) : -1;
    if (close >= 0) {
      const name = text.slice(i + 2, close);
      const value = lookup(name);
      const growth = typeof value === 'string' ? value.length - (close + 1 - i) : 0;
      if (value === null || grown + growth > MAX_EXPANDED_LENGTH) {
        if (!notKnown) return null;
        out += notKnown(name);
      } else {
        grown += growth;
        out += value ?? text.slice(i, close + 1);
      }
      i = close;
    } else {
      // `$$` is one `$`; a `$` before anything else (an unclosed `$(` too) stays as written.
      out += next === '$' ? '$' : '$' + next;
      i += 1;
    }
    copied = i + 1;
  }
  return out + text.slice(copied);
}

/**
 * The variables of a container, as the kubelet defines them: those of `envFrom` (their names are not
 * in the spec, so any name may be one of them, with a value not known), then each `env` entry in
 * order, a `value` expanded with the variables before it, a `valueFrom` known only at run time.
 */
export function containerVariables(container: Readonly<Record<string, unknown>>): (name: string) => VariableValue {
  const defined = new Map<string, string | null>();
  const fromEnvFrom = Array.isArray(container.envFrom) && container.envFrom.length > 0;
  const lookup = (name: string): VariableValue => (defined.has(name) ? defined.get(name) : fromEnvFrom ? null : undefined);
  if (Array.isArray(container.env))
    for (const e of container.env as unknown[]) {
      if (typeof e !== 'object' || e === null) continue;
      const { name, value, valueFrom } = e as Record<string, unknown>;
      if (typeof name !== 'string') continue;
      if (valueFrom !== undefined && valueFrom !== null) defined.set(name, null);
      else defined.set(name, expandReferences(scalarText(value), lookup));
    }
  return lookup;
}

/** A scalar as the API server stores it in an env value (YAML may give a number or a boolean). */
function scalarText(v: unknown): string {
  return typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : '';
}
