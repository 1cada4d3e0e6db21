// The storefront SPA. Built into web/dist and served by the API server at '/', which also owns
// '/assets/*' (object store) and '/vendor/*' (model-viewer and its decoders): hence assetsDir 'static'.
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  base: '/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsDir: 'static',
    target: 'es2022',
    // model-viewer is loaded from /vendor at runtime, never bundled: keep the app chunk small.
    chunkSizeWarningLimit: 250,
  },
  server: {
    // During `vite dev`, the API server (default port 3000) answers the same-origin paths.
    proxy: {
      '/api': 'http://127.0.0.1:3000',
      '/assets': 'http://127.0.0.1:3000',
      '/vendor': 'http://127.0.0.1:3000',
    },
  },
});
