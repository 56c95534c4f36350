import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

let validate: ValidateFunction | undefined;

/**
 * The problems of a CycloneDX 1.6 JSON document against the official schema (`test/schemas/`, with
 * the SPDX licence list and JSF schemas it references): `''` when it is valid, else the first errors.
 */
export function cyclonedx16Problems(bom: unknown, shown = 5): string {
  if (!validate) {
    const schema = (name: string) => JSON.parse(readFileSync(new URL(`./schemas/${name}`, import.meta.url), 'utf8'));
    const ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false });
    (addFormatsModule as unknown as (a: Ajv) => Ajv)(ajv);
    ajv.addSchema(schema('spdx.schema.json'), 'spdx.schema.json');
    ajv.addSchema(schema('jsf-0.82.schema.json'), 'jsf-0.82.schema.json');
    validate = ajv.compile(schema('bom-1.6.schema.json'));
  }
  return validate(bom) ? '' : JSON.stringify(validate.errors?.slice(0, shown), null, 1);
}
