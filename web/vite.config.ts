import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// Built by `npx vite build web`; the node serves web/dist at / with an SPA fallback to index.html.
// During `npx vite web`, /api is proxied to a running node (HOMEWARD_URL, default port 8080).
export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true },
  server: {
    proxy: { '/api': process.env.HOMEWARD_URL ?? 'http://127.0.0.1:8080' },
  },
});
