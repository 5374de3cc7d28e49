// The console's build (docs/console.md): served by icpd under /console/, Element Plus
// imported per component (unplugin-vue-components) so the sign-in route loads only what it
// uses, every route a chunk of its own, and a gzip copy of each file beside it for icpd to
// send to browsers that take gzip (http/console_site.h).
import { defineConfig, type Plugin } from 'vite';
import vue from '@vitejs/plugin-vue';
import Components from 'unplugin-vue-components/vite';
import { ElementPlusResolver } from 'unplugin-vue-components/resolvers';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

// After the files are written: what Vite writes is final (it replaces its preload markers in
// the chunks late, so a copy taken from the bundle any earlier would differ from the file).
function gzipCopies(): Plugin {
  return {
    name: 'beian-gzip-copies',
    apply: 'build',
    writeBundle(options, bundle) {
      const dir = options.dir ?? 'dist';
      for (const name of Object.keys(bundle)) {
        if (!/\.(js|css|html|svg|json)$/.test(name)) continue;
        const bytes = readFileSync(join(dir, name));
        if (bytes.length < 1024) continue;
        writeFileSync(join(dir, `${name}.gz`), gzipSync(bytes, { level: 9 }));
      }
    },
  };
}

export default defineConfig({
  base: '/console/',
  plugins: [
    vue(),
    Components({ resolvers: [ElementPlusResolver({ importStyle: 'css' })], dts: false }),
    gzipCopies(),
  ],
  define: {
    __VUE_OPTIONS_API__: 'false',
    __VUE_PROD_DEVTOOLS__: 'false',
    __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: 'false',
  },
  build: {
    outDir: process.env.BEIAN_WEB_OUT ?? 'dist',
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 600,
    // The entry route's size is measured from it (e2e/entry_size.mjs).
    manifest: true,
  },
  // `npm run dev` (and `vite preview`): the console on Vite's server, the API from an icpd.
  server: { proxy: { '/v1': process.env.BEIAN_API ?? 'http://127.0.0.1:8080' } },
  test: {
    environment: 'happy-dom',
    include: ['src/**/*.test.ts'],
  },
} as never);
