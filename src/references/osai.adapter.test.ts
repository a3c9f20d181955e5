import { describe, expect, it } from 'vitest';
import { githubContentsUrl, githubLocation, parseDirectoryListing, DEFAULT_OSAI_URL } from './osai.adapter.js';

describe('githubLocation and githubContentsUrl', () => {
  it('turns the default raw base into the contents API listing', () => {
    const location = githubLocation(DEFAULT_OSAI_URL);
    expect(location).toEqual({ owner: 'Language-Technology-Assessment', repo: 'main-database', ref: 'main', dir: '' });
    expect(location && githubContentsUrl(location)).toBe(
      'https://api.github.com/repos/Language-Technology-Assessment/main-database/contents?ref=main',
    );
  });

  it('keeps a subdirectory and a commit ref', () => {
    const location = githubLocation('https://raw.githubusercontent.com/o/r/5a388e8/data/');
    expect(location && githubContentsUrl(location)).toBe('https://api.github.com/repos/o/r/contents/data?ref=5a388e8');
  });

  it('is null for any other base', () => {
    expect(githubLocation('http://127.0.0.1:8080/')).toBeNull();
    expect(githubLocation('not a url')).toBeNull();
    expect(githubLocation('https://raw.githubusercontent.com/o/')).toBeNull();
  });
});

describe('parseDirectoryListing', () => {
  it('reads the GitHub contents API shape, skipping directories', () => {
    const body = JSON.stringify([
      { name: 'Alpha Model.yaml', type: 'file', html_url: 'https://github.com/o/r/blob/main/Alpha%20Model.yaml' },
      { name: '.github', type: 'dir' },
      { name: '_parameters.yml', type: 'file' },
    ]);
    expect(parseDirectoryListing(body, 'application/json; charset=utf-8')).toEqual([
      { name: 'Alpha Model.yaml', pageUrl: 'https://github.com/o/r/blob/main/Alpha%20Model.yaml' },
      { name: '_parameters.yml', pageUrl: null },
    ]);
  });

  it('reads a JSON array of names', () => {
    expect(parseDirectoryListing('["a.yaml", "dir/b.yaml"]', null).map((f) => f.name)).toEqual(['a.yaml', 'b.yaml']);
  });

  it('reads an HTML index (python -m http.server, nginx autoindex)', () => {
    const html = `<html><body><h1>Directory listing for /</h1><ul>
<li><a href="../">../</a></li>
<li><a href="Alpha%20Model.yaml">Alpha Model.yaml</a></li>
<li><a href='beta.yaml'>beta.yaml</a></li>
<li><a href="sub/">sub/</a></li>
<li><a href="?C=M;O=A">sort</a></li>
<li><a href="https://elsewhere.example/x.yaml">x</a></li>
</ul></body></html>`;
    expect(parseDirectoryListing(html, 'text/html').map((f) => f.name)).toEqual(['Alpha Model.yaml', 'beta.yaml']);
  });

  it('reads plain text, one name per line', () => {
    expect(parseDirectoryListing('a.yaml\r\n\r\nb.yaml\n', 'text/plain').map((f) => f.name)).toEqual([
      'a.yaml',
      'b.yaml',
    ]);
  });

  it('is empty for malformed JSON', () => {
    expect(parseDirectoryListing('[not json', 'application/json')).toEqual([]);
  });
});
