import { onMoto } from '../support/moto.js';
import { awsContract } from './contract.js';

// The same suite against moto's server, an emulator nobody here wrote (see MOTO_DIVERGENCES).
onMoto('local AWS wire contract (moto_server)', (start, divergences) =>
  awsContract('moto_server', start, divergences),
);
