import { describe, expect, it } from 'vitest';
import { hfRepoIdFromUrl } from './hf-repo-url.js';

describe('hfRepoIdFromUrl', () => {
  it.each([
    ['https://huggingface.co/meta-llama/Llama-3.1-8B', 'meta-llama/Llama-3.1-8B'],
    ['https://huggingface.co/meta-llama/Llama-3.1-8B/', 'meta-llama/Llama-3.1-8B'],
    ['http://www.huggingface.co/org/name', 'org/name'],
    ['https://hf.co/org/name', 'org/name'],
    ['huggingface.co/org/name', 'org/name'],
    ['https://huggingface.co/org/name/tree/main', 'org/name'],
    ['https://huggingface.co/org/name/blob/main/README.md', 'org/name'],
    ['https://huggingface.co/org/name?library=transformers#usage', 'org/name'],
    ['https://huggingface.co/stabilityai/stablelm-2-1_6b · Hugging Face', 'stabilityai/stablelm-2-1_6b'],
    ['  https://huggingface.co/org/name  ', 'org/name'],
    ['org/name', 'org/name'],
    ['https://huggingface.co/facebook/xglm-7.5B', 'facebook/xglm-7.5B'],
  ])('%s → %s', (url, id) => {
    expect(hfRepoIdFromUrl(url)).toBe(id);
  });

  it.each([
    ['a dataset', 'https://huggingface.co/datasets/org/name'],
    ['a Space', 'https://huggingface.co/spaces/org/name'],
    ['a paper', 'https://huggingface.co/papers/2403.13784'],
    ['an organization page', 'https://huggingface.co/meta-llama'],
    ['a collection', 'https://huggingface.co/collections/org/some-collection-123'],
    ['the docs', 'https://huggingface.co/docs/hub/index'],
    ['another host', 'https://github.com/org/name'],
    ['another scheme', 'ftp://huggingface.co/org/name'],
    ['empty', ''],
    ['not a string', 42],
    ['a bare path with three segments', 'org/name/extra'],
    ['a single segment', 'gpt2'],
    ['a git URL', 'https://huggingface.co/org/name.git'],
  ])('rejects %s', (_name, value) => {
    expect(hfRepoIdFromUrl(value)).toBeNull();
  });
});
