import { describe, it } from 'vitest';
import { motoEndpoint, motoUnavailable } from '../support/endpoints.js';
import { awsContract, type Divergence, MOTO_DIVERGENCES } from './contract.js';

// The same suite against moto's server, an emulator nobody here wrote (see MOTO_DIVERGENCES).
const unavailable = motoUnavailable();
if (unavailable === undefined) {
  awsContract('moto_server', () => motoEndpoint(), new Set(Object.keys(MOTO_DIVERGENCES) as Divergence[]));
} else {
  describe('local AWS wire contract (moto_server)', () => {
    console.log(`skipping the moto contract run: ${unavailable}`);
    it.skip(`needs moto_server: ${unavailable}`, () => {});
  });
}
