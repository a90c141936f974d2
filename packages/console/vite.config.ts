import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defaultClientConditions, defineConfig } from 'vite';

/**
 * The console as static files in dist/app: relative asset URLs (the page
 * is served under any dashboard base, with a `<base href>`), workspaces
 * read from source, nothing loaded from another origin.
 */
export default defineConfig({
  root: fileURLToPath(new URL('./app/', import.meta.url)),
  base: './',
  plugins: [react()],
  resolve: { conditions: ['@conveyor/source', ...defaultClientConditions] },
  build: {
    outDir: fileURLToPath(new URL('./dist/app/', import.meta.url)),
    emptyOutDir: true,
    // One file per asset: no inline data URLs for the CSP to allow.
    assetsInlineLimit: 0,
    // React, tRPC, zod and core in one file of ~400 kB: fine for an operator's page.
    chunkSizeWarningLimit: 1_024,
  },
});
