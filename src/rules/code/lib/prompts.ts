import type { SgNode } from '@ast-grep/napi';
import { allCalls, calleeName, constantString, namedArg, objectProperty, positional, type Flavor } from './syntax.js';

/** The content of every system prompt: role=system messages, SystemMessage(...), and `system=`/`instructions=` arguments. */
export function systemPrompts(root: SgNode, flavor: Flavor): SgNode[] {
  const out: SgNode[] = [];
  const objectKinds = flavor === 'python' ? ['dictionary'] : ['object'];
  for (const kind of objectKinds) {
    for (const obj of root.findAll({ rule: { kind } })) {
      const role = objectProperty(obj, 'role');
      if (constantString(role) !== 'system' && constantString(role) !== 'developer') continue;
      const content = objectProperty(obj, 'content');
      if (content) out.push(content);
    }
  }
  for (const call of allCalls(root, flavor)) {
    const name = calleeName(call);
    if (name === 'SystemMessage' || name === 'SystemMessagePromptTemplate') {
      const c = namedArg(call, 'content') ?? positional(call)[0];
      if (c) out.push(c);
    } else if (/^(?:create|stream|parse|generateText|streamText|generateObject|streamObject)$/.test(name)) {
      const s = namedArg(call, 'system', 'instructions');
      if (s) out.push(s);
    }
  }
  return out.sort((a, b) => a.range().start.index - b.range().start.index);
}
