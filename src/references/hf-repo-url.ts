/**
 * Hugging Face repository ids from the links experts record. The sources write them as free text
 * (`https://huggingface.co/org/name`, with `/tree/main`, query strings, `hf.co`, or a bare
 * `org/name`); only a model repository with both an owner and a name is a usable join key.
 */

const HF_HOSTS = new Set(['huggingface.co', 'www.huggingface.co', 'hf.co']);

/** First path segments on huggingface.co that are not model owners. */
const NOT_MODEL_OWNERS = new Set([
  'api',
  'blog',
  'collections',
  'datasets',
  'docs',
  'join',
  'learn',
  'login',
  'models',
  'organizations',
  'papers',
  'posts',
  'pricing',
  'settings',
  'spaces',
  'tasks',
]);

/** A repository owner or name as the hub allows them: letters, digits, `-`, `_`, `.`; at most 96 characters. */
const SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]{0,95}$/;

function fromSegments(owner: string | undefined, name: string | undefined): string | null {
  if (owner === undefined || name === undefined) return null;
  if (NOT_MODEL_OWNERS.has(owner.toLowerCase())) return null;
  if (!SEGMENT.test(owner) || !SEGMENT.test(name) || name.endsWith('.git')) return null;
  return `${owner}/${name}`;
}

/**
 * `org/name` from a Hugging Face model URL (any scheme or none, `hf.co`, trailing `/tree/…`,
 * `/blob/…`, `?…`, `#…`, a page title after the URL) or from a bare `org/name`; null for anything else: datasets, Spaces,
 * papers, organization pages, single-segment legacy ids (indistinguishable from an owner's page),
 * other hosts.
 */
export function hfRepoIdFromUrl(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const trimmed = value.trim();
  if (trimmed.length === 0 || trimmed.length > 500) return null;
  // Pasted links often carry the page title: "https://huggingface.co/org/name · Hugging Face".
  if (/\s/.test(trimmed)) return hfRepoIdFromToken(trimmed.split(/\s+/)[0] ?? '');
  return hfRepoIdFromToken(trimmed);
}

function hfRepoIdFromToken(text: string): string | null {
  const withScheme = /^[a-z]+:\/\//i.test(text)
    ? text
    : /^(www\.)?(huggingface\.co|hf\.co)\//i.test(text)
      ? `https://${text}`
      : null;
  if (withScheme === null) {
    const [owner, name, ...rest] = text.split('/');
    return rest.length === 0 ? fromSegments(owner, name) : null;
  }
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    return null;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
  if (!HF_HOSTS.has(url.hostname.toLowerCase())) return null;
  const segments = url.pathname.split('/').filter((segment) => segment.length > 0);
  let owner: string | undefined;
  let name: string | undefined;
  try {
    owner = segments[0] === undefined ? undefined : decodeURIComponent(segments[0]);
    name = segments[1] === undefined ? undefined : decodeURIComponent(segments[1]);
  } catch {
    return null;
  }
  return fromSegments(owner, name);
}
