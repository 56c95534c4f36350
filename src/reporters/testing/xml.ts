/**
 * A strict reader of the XML subset the JUnit reporter writes (prolog, elements, attributes, text,
 * predefined and numeric entities). It throws on anything not well-formed: unbalanced or crossed
 * tags, unquoted or duplicate attributes, a raw `<` or `&` in text or attributes, characters XML 1.0
 * forbids, or content after the root element.
 */
export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const NAME = /[A-Za-z_][\w.-]*/y;
// eslint-disable-next-line no-control-regex
const FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;

function decode(raw: string, at: number): string {
  if (raw.includes('<')) throw new Error(`raw '<' near offset ${at}`);
  return raw.replace(/&([^;&\s]*);?/g, (m, ent: string) => {
    if (!m.endsWith(';')) throw new Error(`bare '&' near offset ${at}`);
    const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
    if (ent in named) return named[ent];
    const num = /^#(?:x([0-9a-fA-F]+)|(\d+))$/.exec(ent);
    if (!num) throw new Error(`unknown entity &${ent}; near offset ${at}`);
    return String.fromCodePoint(num[1] ? parseInt(num[1], 16) : parseInt(num[2], 10));
  });
}

export function parseXml(xml: string): XmlElement {
  if (FORBIDDEN.test(xml)) throw new Error('character not allowed in XML 1.0');
  let i = 0;
  const prolog = /^<\?xml[^?]*\?>\s*/.exec(xml);
  if (prolog) i = prolog[0].length;
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;

  const name = (): string => {
    NAME.lastIndex = i;
    const m = NAME.exec(xml);
    if (!m) throw new Error(`expected a name at offset ${i}`);
    i += m[0].length;
    return m[0];
  };
  const skipSpace = () => {
    while (i < xml.length && /\s/.test(xml[i])) i++;
  };

  while (i < xml.length) {
    if (xml[i] !== '<') {
      const end = xml.indexOf('<', i);
      const raw = xml.slice(i, end === -1 ? xml.length : end);
      if (stack.length === 0) {
        if (raw.trim()) throw new Error(`text outside the root element at offset ${i}`);
      } else stack[stack.length - 1].text += decode(raw, i);
      i = end === -1 ? xml.length : end;
      continue;
    }
    if (xml.startsWith('</', i)) {
      i += 2;
      const n = name();
      skipSpace();
      if (xml[i] !== '>') throw new Error(`expected '>' at offset ${i}`);
      i++;
      const open = stack.pop();
      if (!open || open.name !== n) throw new Error(`closing </${n}> does not match <${open?.name ?? '(none)'}>`);
      if (stack.length === 0) root = open;
      continue;
    }
    if (root) throw new Error(`content after the root element at offset ${i}`);
    i++;
    const el: XmlElement = { name: name(), attrs: {}, children: [], text: '' };
    for (;;) {
      const before = i;
      skipSpace();
      if (xml.startsWith('/>', i) || xml[i] === '>') break;
      if (i === before) throw new Error(`expected whitespace before an attribute at offset ${i}`);
      const a = name();
      if (a in el.attrs) throw new Error(`duplicate attribute ${a}`);
      if (xml[i] !== '=') throw new Error(`expected '=' after ${a} at offset ${i}`);
      const q = xml[i + 1];
      if (q !== '"' && q !== "'") throw new Error(`unquoted attribute ${a} at offset ${i}`);
      const end = xml.indexOf(q, i + 2);
      if (end === -1) throw new Error(`unterminated attribute ${a}`);
      el.attrs[a] = decode(xml.slice(i + 2, end), i);
      i = end + 1;
    }
    stack[stack.length - 1]?.children.push(el);
    if (xml.startsWith('/>', i)) {
      i += 2;
      if (stack.length === 0) root = el;
    } else {
      i++;
      stack.push(el);
    }
  }
  if (stack.length) throw new Error(`unclosed <${stack[stack.length - 1].name}>`);
  if (!root) throw new Error('no root element');
  return root;
}
