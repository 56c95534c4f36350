import type { Parser } from '../core/parser.js';
import { codeParser } from './code/code-parser.js';
import { composeClassifier } from './compose/compose-classifier.js';
import { depsParser } from './deps/deps-parser.js';
import { dockerfileParser } from './dockerfile/dockerfile-parser.js';
import { eventLogParser } from './events/event-log-parser.js';
import { helmValuesClassifier } from './helm/helm-values.js';
import { imageConfigClassifier } from './image/image-config.js';
import { imageFactsClassifier } from './image/image-facts.js';
import { k8sClassifier, k8sSet } from './k8s/k8s-classifier.js';
import { chatTemplateParser } from './models/chat-template-files.js';
import { modelParser } from './models/model-parser.js';
import { notebookParser } from './notebook/notebook-parser.js';
import { osPackagesParser } from './os-packages/os-packages-parser.js';
import { shellParser } from './shell/shell-parser.js';
import { textParser } from './text/text-parser.js';
import { createYamlParser } from './yaml/yaml-parser.js';

/** Every parser of a scan. Each file is read once and offered to each parser that matches it. */
export const allParsers: readonly Parser[] = [
  createYamlParser([k8sClassifier, helmValuesClassifier, composeClassifier, imageConfigClassifier, imageFactsClassifier], k8sSet),
  dockerfileParser,
  codeParser,
  modelParser,
  textParser,
  notebookParser,
  depsParser,
  osPackagesParser,
  shellParser,
  chatTemplateParser,
  eventLogParser,
];
