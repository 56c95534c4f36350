export interface FrameworkCatalogue {
  id: string;
  title: string;
  url: string;
  /** Known control ids with their titles. */
  controls: Readonly<Record<string, string>>;
  /** Levels a control can be mapped at, when the framework has levels (PSS: baseline, restricted). */
  levels?: readonly string[];
}

export function defineFramework(f: FrameworkCatalogue): FrameworkCatalogue {
  return f;
}
