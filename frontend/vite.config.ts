import { svelte } from '@sveltejs/vite-plugin-svelte'
import { defineConfig } from 'vitest/config'

export default defineConfig({
  plugins: [svelte()],
  build: {
    outDir: 'dist',
    // dist/.gitkeep is committed so go:embed works on a fresh clone; the build script recreates it.
    emptyOutDir: true,
    target: 'es2022',
    // WebKitGTK and WebView2 load everything locally: a single small chunk is fastest.
    chunkSizeWarningLimit: 300,
  },
  server: {
    // wails dev proxies the Vite dev server; keep the port stable.
    port: 5173,
    strictPort: true,
  },
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
  },
})
