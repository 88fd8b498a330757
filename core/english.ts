/**
 * zod's English messages ("Too big: expected string to have <=2048 characters"), for the parses
 * whose messages reach a caller. The functions' schemas are zod/mini's, which loads no locale of
 * its own (zod's classic API would, at a cost of some milliseconds every cold start); the map is
 * passed to each parse rather than set for the whole process.
 */
import english from 'zod/v4/locales/en.js';

/** Parse options that give zod's English messages. */
export const IN_ENGLISH = { error: english().localeError } as const;
