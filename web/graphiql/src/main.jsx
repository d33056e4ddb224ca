// GraphiQL for the Althaus gateway, bundled locally: no CDN, works without internet.
import 'graphiql/setup-workers/vite';
import 'graphiql/style.css';

import { createGraphiQLFetcher } from '@graphiql/toolkit';
import { GraphiQL } from 'graphiql';
import React from 'react';
import { createRoot } from 'react-dom/client';

// The page is served by the gateway at GET /graphql, so the endpoint is same-origin and the
// session cookie goes along. The header makes every request pass the gateway's CSRF rule.
const fetcher = createGraphiQLFetcher({
  url: new URL('/graphql', window.location.origin).toString(),
  headers: { 'Apollo-Require-Preflight': 'true' },
});

const defaultQuery = `# Welcome to the Althaus API.
# Run a query with Ctrl-Enter; browse the schema in the documentation explorer.
{
  __typename
}
`;

// A link may carry an operation to open: /graphql#query=<url-encoded document>.
const linked = new URLSearchParams(window.location.hash.slice(1)).get('query');

createRoot(document.getElementById('graphiql')).render(
  React.createElement(GraphiQL, {
    fetcher,
    defaultQuery,
    ...(linked ? { initialQuery: linked } : {}),
  }),
);
