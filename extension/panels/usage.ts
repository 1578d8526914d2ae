// Ready-to-paste ways to use a new token: the site's own REST URL that says who you are
// (Jira `/rest/api/2/myself`, Confluence `/rest/api/user/current`), as Basic (user name plus
// token as the password) and as Bearer, and the Python one-liners. Pure, so the exact text is
// unit-tested and the e2e runs the curl line in a real shell.
import type { Product } from '../content/page-detect.ts';

export interface UsageTarget {
  siteUrl: string;
  product: Product;
  /** The token's owner: an admin creating a token for bob gets bob's examples. */
  username: string;
}

export interface UsageExamples {
  restUrl: string;
  curlBasic: string;
  curlBearer: string;
  python: string;
}

function whoAmIPath(product: Product): string {
  return product === 'jira' ? '/rest/api/2/myself' : '/rest/api/user/current';
}

/** POSIX shell quoting: plain words stay as they are, anything else goes in single quotes. */
export function shellQuote(word: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

/** A Python string literal; JSON's escapes are all valid in Python. */
const py = (text: string) => JSON.stringify(text);

export function usageExamples({ siteUrl, product, username }: UsageTarget, secret: string): UsageExamples {
  const restUrl = `${siteUrl}${whoAmIPath(product)}`;
  const requests = `requests.get(${py(restUrl)}, auth=(${py(username)}, ${py(secret)}))`;
  const python =
    product === 'jira'
      ? `${requests}  # or: JIRA(server=${py(siteUrl)}, basic_auth=(${py(username)}, ${py(secret)}))`
      : requests;
  return {
    restUrl,
    curlBasic: `curl -u ${shellQuote(`${username}:${secret}`)} ${shellQuote(restUrl)}`,
    curlBearer: `curl -H ${shellQuote(`Authorization: Bearer ${secret}`)} ${shellQuote(restUrl)}`,
    python,
  };
}
