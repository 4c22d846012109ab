/// <reference types="vitest/config" />
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The server serves ui/dist at / and the API on the same origin.
// In dev, /api, /auth and /media are proxied to PIXEL_API (default: the dev mock in scripts/dev-mock.mjs).
const api = process.env.PIXEL_API ?? 'http://127.0.0.1:8787';

export default defineConfig(({ mode }) => ({
  esbuild: { jsx: 'automatic' },
  resolve: {
    // react-router's package exports only point at its development build; bundle the production one.
    alias:
      mode === 'production'
        ? [
            {
              find: /^react-router$/,
              replacement: fileURLToPath(
                new URL('./node_modules/react-router/dist/production/index.mjs', import.meta.url),
              ),
            },
          ]
        : [],
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    chunkSizeWarningLimit: 400,
    rollupOptions: {
      output: {
        // React and the router change rarely: a separate chunk stays cached across UI releases.
        manualChunks: (id) =>
          /node_modules\/(react|react-dom|scheduler|react-router)\//.test(id) ? 'react' : undefined,
      },
      onwarn(warning, warn) {
        if (warning.code === 'MODULE_LEVEL_DIRECTIVE') return; // "use client" in libraries
        warn(warning);
      },
    },
  },
  server: {
    port: 5173,
    proxy: {
      '/api/events': { target: api.replace(/^http/, 'ws'), ws: true },
      '/api': { target: api },
      // Sign-in and sign-out are server routes too (full page navigations to /auth/google).
      '/auth': { target: api },
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
}));
