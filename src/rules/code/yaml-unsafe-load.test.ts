import { testRule } from '../../testing/rule-tester.js';
import rule from './yaml-unsafe-load.js';

testRule(rule, {
  valid: [
    { path: 'a.py', content: 'import yaml\ncfg = yaml.safe_load(text)\n' },
    { path: 'a.py', content: 'import yaml\ncfg = yaml.load(text, Loader=yaml.SafeLoader)\nall = yaml.load_all(text, yaml.CSafeLoader)\n' },
  ],
  invalid: [
    {
      path: 'a.py',
      content: 'import yaml\ncfg = yaml.load(open("config.yaml"), Loader=yaml.Loader)\n',
      findings: [
        {
          startLine: 2,
          startColumn: 7,
          endLine: 2,
          endColumn: 57,
          message: 'yaml.load() with yaml.Loader constructs arbitrary Python objects',
        },
      ],
    },
    {
      path: 'a.py',
      content: 'import yaml\na = yaml.load(text)\nb = yaml.unsafe_load(text)\n',
      findings: [
        { startLine: 2, startColumn: 5, endLine: 2, endColumn: 20, message: 'yaml.load() without a safe Loader' },
        { startLine: 3, startColumn: 5, endLine: 3, endColumn: 27 },
      ],
    },
  ],
});
