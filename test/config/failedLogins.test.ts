/** regstack:access.failedLogins: on where the edge sees clients' addresses, refused where it cannot. */
import { parseSpec } from "../../components/config/parse";
import { minimal, problemsOf, rawConfig } from "../support/config";

const swarm = (publishMode: "ingress" | "host") => ({
  domain: "fx9590.lan",
  bindAddress: "0.0.0.0",
  docker: { mode: "swarm", swarm: { publishMode, endpointMode: publishMode === "host" ? "dnsrr" : "vip" }, hosts: [{ name: "fx9590", url: "ssh://ops@fx9590.lan" }] },
});
const k8s = { target: "kubernetes", mirrors: [] };

describe("regstack:access.failedLogins", () => {
  it("blocks after 10 failures in 60 s for 900 s by default where the edge sees clients: Docker hosts and Swarm host mode", () => {
    expect(parseSpec(rawConfig(minimal)).access.failedLogins).toEqual({ limit: 10, windowSeconds: 60, blockSeconds: 900 });
    expect(parseSpec(rawConfig({ ...minimal, ...swarm("host") })).access.failedLogins).toEqual({ limit: 10, windowSeconds: 60, blockSeconds: 900 });
  });

  it("is off by default under the ingress mesh and on Kubernetes, whose clients all seem to come from one address", () => {
    expect(parseSpec(rawConfig({ ...minimal, ...swarm("ingress") })).access.failedLogins).toBeUndefined();
    expect(parseSpec(rawConfig({ ...minimal, ...k8s })).access.failedLogins).toBeUndefined();
  });

  it("refuses a limit there, at its key, saying why; 0 turns it off anywhere", () => {
    for (const where of [swarm("ingress"), k8s]) {
      const problems = problemsOf({ ...minimal, ...where, access: { failedLogins: { limit: 5 } } });
      expect(problems).toEqual([{ path: "regstack:access.failedLogins.limit", message: expect.stringContaining("blocking one address would refuse everyone") }]);
      expect(problemsOf({ ...minimal, ...where, access: { failedLogins: { limit: 0 } } })).toEqual([]);
    }
    expect(parseSpec(rawConfig({ ...minimal, access: { failedLogins: { limit: 0 } } })).access.failedLogins).toBeUndefined();
  });

  it("refuses values out of range, each at its full key", () => {
    const paths = problemsOf({ ...minimal, access: { failedLogins: { limit: -1, windowSeconds: 5, blockSeconds: 100000 } } }).map((p) => p.path);
    expect(paths.sort()).toEqual(["regstack:access.failedLogins.blockSeconds", "regstack:access.failedLogins.limit", "regstack:access.failedLogins.windowSeconds"]);
  });
});
