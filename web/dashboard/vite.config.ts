/**
 * The dashboard's build (docs/dashboard.md): web/dashboard → dist/dashboard, served by the API at
 * `/` with its hashed assets under `/dashboard/assets/` (src/api/dashboard/dashboard.ts). Every
 * asset is bundled: the page makes no request outside the API that serves it.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));
/** `npm run dev:dashboard`: the page from the sources, with the API (`npm run dev`) behind it. */
const api = process.env.CATALOG_API_URL ?? 'http://127.0.0.1:4000';

export default defineConfig({
  root: here,
  base: '/dashboard/',
  // No public/ folder: nothing is copied that the bundle does not reference.
  publicDir: false,
  logLevel: 'warn',
  server: {
    proxy: Object.fromEntries(
      ['/graphql', '/export', '/api', '/badge', '/feeds'].map((path) => [
        path,
        { target: api, ws: path === '/graphql' },
      ]),
    ),
  },
  build: {
    outDir: fileURLToPath(new URL('../../dist/dashboard', import.meta.url)),
    emptyOutDir: true,
    // The page's CSP allows scripts from 'self' only: no inline module-preload polyfill.
    modulePreload: { polyfill: false },
    sourcemap: true,
    target: 'es2022',
    chunkSizeWarningLimit: 400,
  },
});
