/// <reference types="vitest/config" />
import { defineConfig } from 'vite';

// The server serves ui/dist at / and the API on the same origin.
// In dev, /api is proxied to PIXEL_API (default: the dev mock in scripts/dev-mock.mjs).
const api = process.env.PIXEL_API ?? 'http://127.0.0.1:8787';

export default defineConfig({
  esbuild: { jsx: 'automatic' },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    chunkSizeWarningLimit: 400,
  },
  server: {
    port: 5173,
    proxy: {
      '/api/events': { target: api.replace(/^http/, 'ws'), ws: true },
      '/api': { target: api },
      '/media': { target: api },
    },
  },
  test: {
    environment: 'jsdom',
    globals: false,
    setupFiles: ['./src/test/setup.ts'],
    include: ['src/**/*.test.{ts,tsx}'],
    css: false,
  },
});
