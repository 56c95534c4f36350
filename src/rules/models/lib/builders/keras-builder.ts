import { zip } from './zip-builder.js';

/** A Keras 3 functional model config with the given layers between an input and nothing else. */
export function kerasConfig(layers: object[]): object {
  return {
    module: 'keras.src.models.functional',
    class_name: 'Functional',
    config: {
      name: 'model',
      trainable: true,
      layers: [
        {
          module: 'keras.layers',
          class_name: 'InputLayer',
          config: { batch_shape: [null, 4], dtype: 'float32', name: 'input' },
          registered_name: null,
        },
        ...layers,
      ],
    },
    registered_name: 'Functional',
  };
}

export const dense = (name: string) => ({
  module: 'keras.layers',
  class_name: 'Dense',
  config: {
    name,
    units: 4,
    activation: 'relu',
    kernel_initializer: { module: 'keras.initializers', class_name: 'GlorotUniform', config: { seed: null }, registered_name: null },
  },
  registered_name: null,
});

/** A Keras 3 Lambda layer as `model.save("m.keras")` writes it: the function is marshalled bytecode. */
export const lambdaLayer = (name: string) => ({
  module: 'keras.layers',
  class_name: 'Lambda',
  config: {
    name,
    function: {
      class_name: '__lambda__',
      config: {
        code: '4wEAAAAAAAAAAAAAAAEAAAADAAAA8wwAAACXAHwAZAB6BQAAUwCpAU7pAgAAAKkAqQHaAXhzAQAAACD6Hjxp',
        defaults: null,
        closure: null,
      },
    },
  },
  registered_name: null,
});

/** A `.keras` archive: config.json, metadata.json and a weights file. */
export function kerasArchive(config: object, version = '3.6.0'): Uint8Array {
  return zip()
    .add('metadata.json', JSON.stringify({ keras_version: version, date_saved: '2026-01-01@00:00:00' }))
    .add('config.json', JSON.stringify(config), { method: 'deflate' })
    .add('model.weights.h5', hdf5([]))
    .build();
}

/**
 * An HDF5 file image as h5py lays out a legacy Keras `.h5`: superblock, then the root object header
 * whose attribute messages hold `keras_version`, `backend` and `model_config` (name, then value).
 */
export function hdf5(attributes: [string, string][]): Uint8Array {
  const parts: Buffer[] = [Buffer.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0, 0, 8, 8, 0]), Buffer.alloc(80)];
  for (const [name, value] of attributes) {
    const header = Buffer.alloc(8);
    header.writeUInt16LE(0x000c, 0);
    parts.push(header, Buffer.from(name + '\0\0\0\0', 'latin1'), Buffer.alloc(24, 0x13), Buffer.from(value, 'utf8'), Buffer.alloc(3));
  }
  parts.push(Buffer.alloc(256));
  return new Uint8Array(Buffer.concat(parts));
}
