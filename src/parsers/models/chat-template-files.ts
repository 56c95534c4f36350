import type { At, Located, ScanDocument } from '../../core/document.js';
import { ParseFailure, type ParseContext, type ParseOutput, type Parser } from '../../core/parser.js';
import { looksBinary, type SourceFile } from '../../core/source-file.js';
import { TextLocator } from '../../core/text-document.js';
import type { ObjectPath } from '../../core/types.js';
import { isMapping } from '../yaml/position-table.js';
import { YamlValueDocument, type YamlFile } from '../yaml/yaml-document.js';
import { loadYaml } from '../yaml/yaml-parser.js';

/** One chat template of a Hugging Face model directory. */
export interface ChatTemplate {
  /** `default`, or the name of a named template (`tool_use`, `rag`). */
  name: string;
  value: string;
  /** Where its string is: an object path (JSON files), or the whole file (`chat_template.jinja`). */
  path?: ObjectPath;
}

/**
 * The chat templates of a Hugging Face model directory (`kind: hf-chat-template`): `chat_template`
 * of `tokenizer_config.json` (a string, or a list of `{name, template}`), of a processor's
 * `chat_template.json`, and `chat_template.jinja` as newer `transformers` save it. Inference servers
 * render them with Jinja, as they render a GGUF file's `tokenizer.chat_template`.
 */
export interface ChatTemplateDocument extends ScanDocument {
  readonly kind: 'hf-chat-template';
  readonly templates: ChatTemplate[];
  /** Where the text `find` is inside template `t`, as written in the file (escaped, in JSON). */
  within(t: ChatTemplate, find: string): At;
}

class JsonChatTemplates extends YamlValueDocument implements ChatTemplateDocument {
  readonly kind = 'hf-chat-template';
  constructor(
    source: YamlFile,
    readonly templates: ChatTemplate[],
  ) {
    super(source, 0, []);
  }
  within(t: ChatTemplate, find: string): At {
    // JSON writes `"` and line breaks escaped: search the text as the file writes it.
    return { path: t.path ?? [], find: JSON.stringify(find).slice(1, -1) };
  }
}

class JinjaChatTemplate implements ChatTemplateDocument {
  readonly kind = 'hf-chat-template';
  readonly templates: ChatTemplate[];
  private locator: TextLocator;
  constructor(readonly file: SourceFile) {
    this.locator = new TextLocator(file);
    this.templates = [{ name: 'default', value: file.text() }];
  }
  within(_t: ChatTemplate, find: string): At {
    const i = this.file.text().indexOf(find);
    return i < 0 ? { line: 1 } : { start: i, end: i + find.length };
  }
  locate(at: At | undefined): Located {
    return this.locator.locate(at);
  }
  compact(): void {
    this.locator = new TextLocator(this.file);
  }
}

const JSON_FILES = /(?:^|\/)(?:tokenizer_config|chat_template)\.json$/;
const JINJA_FILE = /(?:^|\/)chat_template\.jinja$/;

function templatesOf(value: unknown): ChatTemplate[] {
  if (!isMapping(value)) return [];
  const t = value.chat_template;
  if (typeof t === 'string') return [{ name: 'default', value: t, path: ['chat_template'] }];
  if (!Array.isArray(t)) return [];
  return t.flatMap((item, i) =>
    isMapping(item) && typeof item.template === 'string'
      ? [{ name: typeof item.name === 'string' ? item.name : String(i), value: item.template, path: ['chat_template', i, 'template'] }]
      : [],
  );
}

/** Chat templates of Hugging Face model directories, for the `models` scanner's template rules. */
export const chatTemplateParser: Parser = {
  name: 'chat-template',
  produces: ['hf-chat-template'],
  matches(file: SourceFile): boolean {
    return JSON_FILES.test(file.path) || JINJA_FILE.test(file.path);
  },
  parse(file: SourceFile, ctx: ParseContext): ParseOutput {
    if (looksBinary(file.head())) throw new ParseFailure('binary content in a chat template file; not scanned');
    if (JINJA_FILE.test(file.path)) return { documents: [new JinjaChatTemplate(file)] };
    const { source, documents } = loadYaml(file, ctx);
    const templates = templatesOf(documents[0]);
    return { documents: templates.length ? [new JsonChatTemplates(source, templates)] : [] };
  },
};
