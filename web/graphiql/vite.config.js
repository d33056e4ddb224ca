// Builds GraphiQL into dist/, served by the gateway: the page at GET /graphql, assets under /graphiql/.
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  base: '/graphiql/',
  plugins: [react()],
  worker: { format: 'es' },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 8192,
    rollupOptions: { input: { graphiql: 'index.html' } },
  },
  optimizeDeps: {
    exclude: ['graphiql/setup-workers/vite', '@graphiql/react/setup-workers/vite'],
    include: ['graphql', 'graphql-language-service', 'picomatch-browser'],
  },
});
