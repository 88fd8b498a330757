/** BROKER_IAM: enforcement is on unless it says off, and the startup line says which. */
import { describe, expect, it } from 'vitest';
import { iamBanner, iamEnabledFromEnv } from '../../local/iam/settings.js';

describe('BROKER_IAM', () => {
  it('is on when unset, empty or "on", off only for "off"', () => {
    expect(
      [{}, { BROKER_IAM: '' }, { BROKER_IAM: 'on' }, { BROKER_IAM: 'off' }].map(iamEnabledFromEnv),
    ).toEqual([true, true, true, false]);
  });

  it('refuses any other value, naming the variable', () => {
    expect(() => iamEnabledFromEnv({ BROKER_IAM: 'false' })).toThrow(/BROKER_IAM must be "on" or "off"/);
  });

  it('the startup line says what is enforced and how to change it', () => {
    expect([iamBanner(true), iamBanner(false)]).toEqual([
      expect.stringMatching(/^IAM: on, .*BROKER_IAM=off turns it off$/),
      expect.stringMatching(/^IAM: off \(BROKER_IAM=off\)/),
    ]);
  });
});
