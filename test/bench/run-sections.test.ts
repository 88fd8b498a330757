/**
 * `npm run bench -- <section>...` runs only the named sections (a partial run writes no report);
 * a name it does not know is refused with the list of valid ones, before anything is measured.
 */
import { describe, expect, it } from 'vitest';
import { chosenSections, SECTION_NAMES } from '../../bench/run.js';

describe('bench sections', () => {
  it('runs every section when none is named', () => {
    // Act
    const chosen = chosenSections([]);
    // Assess
    expect([...chosen]).toEqual([...SECTION_NAMES]);
  });

  it('runs only the sections named', () => {
    // Act
    const chosen = chosenSections(['overhead', 'npm-start']);
    // Assess
    expect([...chosen].sort()).toEqual(['npm-start', 'overhead']);
  });

  it('refuses an unknown section, naming the valid ones', () => {
    // Act
    const choose = () => chosenSections(['overhead', 'overheads']);
    // Assess
    expect(choose).toThrow(`unknown section overheads: the sections are ${SECTION_NAMES.join(', ')}`);
  });
});
