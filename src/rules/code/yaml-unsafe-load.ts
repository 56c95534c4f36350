import { defineRule } from '../../core/rule.js';
import { spanOf, type CodeDocument } from '../../parsers/code/code-document.js';
import { allCalls, calleeText, flavorOf, namedArg, positional } from './lib/syntax.js';

const SAFE_LOADERS = /(?:^|\.)(?:SafeLoader|CSafeLoader|BaseLoader|CBaseLoader)$/;

export default defineRule<CodeDocument>({
  meta: {
    id: 'LLM-0006',
    slug: 'yaml-unsafe-load',
    title: 'YAML loaded without a safe loader',
    severity: 'high',
    scanner: 'code',
    appliesTo: ['code-python'],
    frameworks: [{ id: 'owasp-llm-2025', control: 'LLM03' }],
    rationale:
      'PyYAML’s `Loader`, `UnsafeLoader` and `FullLoader` build arbitrary Python objects from tags such as `!!python/object/apply`, so loading a config, model card or experiment file from elsewhere can run code (CWE-502). `yaml.load` without a loader, and `yaml.unsafe_load`, do the same.',
    remediation: 'Use `yaml.safe_load(...)` or `yaml.load(..., Loader=yaml.SafeLoader)`.',
    references: ['https://pyyaml.org/wiki/PyYAMLDocumentation', 'https://cwe.mitre.org/data/definitions/502.html'],
    examples: {
      bad: [{ path: 'a.py', content: 'import yaml\ncfg = yaml.load(open("config.yaml"), Loader=yaml.Loader)\n' }],
      good: [{ path: 'a.py', content: 'import yaml\ncfg = yaml.safe_load(open("config.yaml"))\n' }],
    },
  },
  check(doc, ctx) {
    if (!doc.text.includes('yaml')) return;
    for (const call of allCalls(doc.root, flavorOf(doc))) {
      const callee = calleeText(call);
      if (/^(?:yaml\.)?(?:unsafe_load|unsafe_load_all)$/.test(callee) && callee.startsWith('yaml.')) {
        ctx.report({ message: `${callee}() constructs arbitrary Python objects`, at: spanOf(call) });
        continue;
      }
      if (callee !== 'yaml.load' && callee !== 'yaml.load_all') continue;
      const loader = namedArg(call, 'Loader') ?? positional(call)[1];
      if (loader && SAFE_LOADERS.test(loader.text())) continue;
      ctx.report({
        message: loader ? `${callee}() with ${loader.text()} constructs arbitrary Python objects` : `${callee}() without a safe Loader`,
        at: spanOf(call),
      });
    }
  },
});
