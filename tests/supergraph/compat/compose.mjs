// Reference composer for the cross-check: reads [{name, url, sdl}] as JSON on stdin,
// prints {"supergraph": "..."} or {"errors": [{"code": "...", "message": "..."}]} as JSON.
import { composeServices } from "@theguild/federation-composition";
import { parse } from "graphql";

let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => (input += chunk));
process.stdin.on("end", () => {
  const subgraphs = JSON.parse(input);
  let services;
  try {
    services = subgraphs.map((s) => ({ name: s.name, url: s.url, typeDefs: parse(s.sdl) }));
  } catch (err) {
    process.stdout.write(JSON.stringify({ errors: [{ code: "INVALID_GRAPHQL", message: String(err.message) }] }));
    return;
  }
  const result = composeServices(services);
  if (result.errors && result.errors.length > 0) {
    const errors = result.errors.map((e) => ({ code: (e.extensions && e.extensions.code) || "UNKNOWN", message: e.message }));
    process.stdout.write(JSON.stringify({ errors }));
  } else {
    process.stdout.write(JSON.stringify({ supergraph: result.supergraphSdl }));
  }
});
