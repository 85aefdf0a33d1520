import { readFileSync } from 'node:fs';
import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';

const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as {
  version: string;
};

// Tauri serves the built files itself; the dev server port is fixed so the shell can point at it.
export default defineConfig({
  plugins: [svelte()],
  define: {
    __APP_VERSION__: JSON.stringify(pkg.version),
  },
  clearScreen: false,
  server: {
    port: 5173,
    strictPort: true,
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // Tauri's CSP forbids inline scripts; keep every asset a file of its own.
    assetsInlineLimit: 0,
  },
  // Tests run the browser build of Svelte, so runes are real proxies and signals as in the app.
  resolve: process.env.VITEST ? { conditions: ['browser'] } : undefined,
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'happy-dom',
    env: { TZ: 'Europe/Paris' },
    // Component tests render whole tables: on a busy 2-core machine the 5 s default is too short.
    testTimeout: 30_000,
  },
});
