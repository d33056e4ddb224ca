// Apollo Gateway peer of the Althaus benchmark: one process serving the given supergraph file.
// Usage: NODE_ENV=production node server.mjs --supergraph FILE --port PORT
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { ApolloGateway } from "@apollo/gateway";
import { ApolloServer } from "@apollo/server";
import { startStandaloneServer } from "@apollo/server/standalone";

const { values } = parseArgs({
  options: {
    supergraph: { type: "string" },
    port: { type: "string" },
    host: { type: "string", default: "127.0.0.1" },
  },
});
if (!values.supergraph || !values.port) {
  console.error("usage: node server.mjs --supergraph FILE --port PORT [--host 127.0.0.1]");
  process.exit(2);
}

const gateway = new ApolloGateway({ supergraphSdl: readFileSync(values.supergraph, "utf8") });
const server = new ApolloServer({ gateway });
const { url } = await startStandaloneServer(server, {
  listen: { host: values.host, port: Number(values.port) },
});
console.log(`apollo gateway ready at ${url}`);

for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, async () => {
    await server.stop();
    process.exit(0);
  });
}
