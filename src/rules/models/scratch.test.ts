import { it } from 'vitest';
import { runRule } from '../../testing/rule-tester.js';
import { pickle } from '../../testing/models/pickle-builder.js';
import rule from './pickle-dangerous-call.js';
import { identifyModel } from '../../parsers/models/model-parser.js';
import { scanPickles } from '../../parsers/models/pickle.js';
import { BufferSource } from '../../parsers/models/byte-source.js';
it('x', () => {
  const c = pickle().string('os').unicode('system').stackGlobal().string('echo hi').tuple1().reduce().stop().bytes();
  console.log(Buffer.from(c).toString('latin1'), identifyModel(c, c.length, 'model.txt'), JSON.stringify(scanPickles(new BufferSource(c))));
  const r = runRule(rule, { path: 'model.txt', content: c });
  console.log(JSON.stringify(r));
});
