import type * as PackageUrlModule from 'packageurl-js';
import type * as SmolTomlModule from 'smol-toml';
import type * as YamlModule from 'yaml';
import { lazyModule } from '../../core/lazy-module.js';

// The libraries of the dependency formats load when a manifest is first read.
export const yamlLib = lazyModule<typeof YamlModule>('yaml');
export const tomlLib = lazyModule<typeof SmolTomlModule>('smol-toml');
export const purlLib = lazyModule<typeof PackageUrlModule>('packageurl-js');
