import { describe, it } from 'vitest';
import { type Divergence, MOTO_DIVERGENCES } from '../local-aws/contract.js';
import { embeddedEndpoint, externalEndpoint, motoEndpoint, motoUnavailable } from '../support/endpoints.js';
import { storeContract } from './store-contract.js';

storeContract('embedded local endpoint', () => embeddedEndpoint());

const moto = motoUnavailable();
if (moto === undefined) {
  storeContract('moto_server', () => motoEndpoint(), new Set(Object.keys(MOTO_DIVERGENCES) as Divergence[]));
} else {
  describe('SecretsManagerStore contract (moto_server)', () => {
    console.log(`skipping the moto contract run: ${moto}`);
    it.skip(`needs moto_server: ${moto}`, () => {});
  });
}

const external = externalEndpoint();
if (external !== undefined) storeContract(external.name, async () => external);
