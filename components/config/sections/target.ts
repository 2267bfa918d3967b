/** Where the platform runs: `regstack:target`. Each target's own keys live in its section. */
import { oneOf, withDefault } from "../decoders";

export const targetKeys = {
  target: withDefault(oneOf(["docker", "kubernetes"] as const), "docker", {
    type: "`docker` or `kubernetes`",
    text: "Where the platform runs: Docker engines (`regstack:docker`) or a Kubernetes cluster (`regstack:kubernetes`).",
  }),
};
