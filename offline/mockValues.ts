import { createHash } from "crypto";
import * as pulumi from "@pulumi/pulumi";
import { mockTlsState } from "./mockTls";

const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** Deterministic text of `length` characters for a resource name: the offline stand-in for randomness. */
export function deterministicText(seed: string, length: number): string {
  let out = "";
  let counter = 0;
  while (out.length < length) {
    const digest = createHash("sha256").update(`${seed}#${counter++}`).digest();
    for (const byte of digest) if (out.length < length) out += ALNUM[byte % ALNUM.length];
  }
  return out;
}

type State = Record<string, unknown>;

/**
 * What a resource reports back under the offline engine. Random values are deterministic per resource
 * name, and the outputs the real providers mark secret are marked secret here too (mocks ignore
 * `additionalSecretOutputs`), so secrecy is checked against what `pulumi up` would store.
 */
export async function mockState(type: string, name: string, inputs: State): Promise<State> {
  const tlsState = await mockTlsState(type, name, inputs, (v) => pulumi.secret(v));
  if (tlsState) return tlsState;
  switch (type) {
    case "random:index/randomPassword:RandomPassword": {
      const result = deterministicText(`password/${name}`, Number(inputs.length ?? 32));
      return { ...inputs, result: pulumi.secret(result), bcryptHash: pulumi.secret(`$2a$10$offline${name}`) };
    }
    case "random:index/randomString:RandomString":
      return { ...inputs, result: deterministicText(`string/${name}`, Number(inputs.length ?? 16)) };
    case "command:remote:Command":
      // What the trust scripts print on a first apply.
      return { ...inputs, stdout: "changed\n", stderr: "" };
    case "docker:index/remoteImage:RemoteImage":
      return { ...inputs, imageId: inputs.name, repoDigest: `${String(inputs.name)}@sha256:${"0".repeat(64)}` };
    case "docker:index/volume:Volume":
    case "docker:index/network:Network":
    case "docker:index/container:Container":
      return { ...inputs, name: inputs.name ?? name };
    default:
      return inputs;
  }
}
