import { defineRule } from '../../core/rule.js';
import type { ImageFactsDocument } from '../../parsers/image/image-facts.js';
import { imageFactsJson } from './lib/examples.js';

export default defineRule<ImageFactsDocument>({
  meta: {
    id: 'IMG-0007',
    slug: 'image-world-writable-path-dir',
    title: 'World-writable directory in PATH',
    severity: 'high',
    scanner: 'misconfig',
    appliesTo: ['image-facts'],
    frameworks: [{ id: 'mitre-atlas', control: 'AML.T0050' }],
    rationale:
      'Any user in the container can drop a program into a world-writable directory of `PATH` (without the sticky bit) and have it run instead of `python`, `pip` or `ls` by the next process, root included. This is usually a side effect of `chmod -R 777` in a Dockerfile.',
    remediation:
      'Restore the directory to 0755 owned by root (`RUN chmod 755 /usr/local/bin`) and grant write access only to the directories the application writes.',
    references: ['https://attack.mitre.org/techniques/T1574/007/'],
    examples: {
      bad: [
        {
          path: 'image-facts.json',
          content: imageFactsJson([{ kind: 'world-writable-dir', path: '/usr/local/bin', mode: '777', layer: 0 }]),
        },
      ],
      good: [
        {
          path: 'image-facts.json',
          content: imageFactsJson([{ kind: 'world-writable-dir', path: '/srv/uploads', mode: '777', layer: 0 }]),
        },
      ],
    },
  },
  check(doc, ctx) {
    const path = new Set(doc.searchPath.map((p) => p.replace(/\/+$/, '') || '/'));
    for (const fact of doc.of('world-writable-dir')) {
      if (!path.has(fact.path.replace(/\/+$/, '') || '/') || fact.removedBy !== undefined) continue;
      ctx.report({ message: `${fact.path} is in PATH and writable by every user (mode ${fact.mode})`, at: ['facts', fact.index] });
    }
  },
});
