/**
 * Follows a paged listing to its end: a store's or provider's `next`, ListSecrets' `NextToken`, the
 * HTTP API's `next`. One loop for every suite, with a cap, so a token that never runs out fails the
 * test with a message instead of hanging it until the timeout.
 */

/** How many pages a listing under test may take before it is judged endless. */
const MAX_PAGES = 1_000;

/**
 * Every page of a listing, in order: `fetchPage` gets undefined first, then the token `tokenOf`
 * reads from the page before, until that is undefined.
 */
export async function* pages<P>(
  fetchPage: (token: string | undefined) => Promise<P>,
  tokenOf: (page: P) => string | undefined,
): AsyncGenerator<P> {
  let token: string | undefined;
  for (let n = 0; n < MAX_PAGES; n += 1) {
    const page = await fetchPage(token);
    yield page;
    token = tokenOf(page);
    if (token === undefined) return;
  }
  throw new Error(`the listing still had a next page after ${MAX_PAGES} pages`);
}

/** Every page of a listing, collected (see {@link pages}). */
export async function allPages<P>(
  fetchPage: (token: string | undefined) => Promise<P>,
  tokenOf: (page: P) => string | undefined,
): Promise<P[]> {
  const all: P[] = [];
  for await (const page of pages(fetchPage, tokenOf)) all.push(page);
  return all;
}
