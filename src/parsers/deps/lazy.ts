import { createRequire } from 'node:module';
import type * as PackageUrlModule from 'packageurl-js';
import type * as SmolTomlModule from 'smol-toml';
import type * as YamlModule from 'yaml';

// The libraries of the dependency formats load when a manifest is first read, so that scans without
// one (and every other command) do not pay for them at start-up.
const load = createRequire(import.meta.url);
let yaml: typeof YamlModule | undefined;
let toml: typeof SmolTomlModule | undefined;
let purl: typeof PackageUrlModule | undefined;

export const yamlLib = (): typeof YamlModule => (yaml ??= load('yaml') as typeof YamlModule);
export const tomlLib = (): typeof SmolTomlModule => (toml ??= load('smol-toml') as typeof SmolTomlModule);
export const purlLib = (): typeof PackageUrlModule => (purl ??= load('packageurl-js') as typeof PackageUrlModule);
