/** Swarm mode's config rules: what a Swarm can publish, and its keys refused outside it. */
import { parseSpec } from "../../components/config/parse";
import { dockerOf, minimal, problemsOf, rawConfig } from "../support/config";

const two = [
  { name: "fx9590", url: "ssh://ops@fx9590.lan" },
  { name: "fx8350", url: "ssh://ops@fx8350.lan" },
];
const swarm = (extra: Record<string, unknown> = {}, docker: Record<string, unknown> = {}) => ({
  ...minimal,
  bindAddress: "0.0.0.0",
  domain: "fx9590.lan",
  docker: { mode: "swarm", hosts: two, ...docker },
  ...extra,
});
const messages = (values: Record<string, unknown>) => problemsOf(values).map((i) => `${i.path}: ${i.message}`);

describe("swarm mode in the config layer", () => {
  it("defaults to the ingress mesh and virtual IPs, and pins each host's services to the node of its name", () => {
    const target = dockerOf(parseSpec(rawConfig(swarm())));
    expect(target.mode).toEqual({ kind: "swarm", publishMode: "ingress", endpointMode: "vip" });
    expect(target.hosts.map((h) => h.node)).toEqual(["fx9590", "fx8350"]);
    const named = dockerOf(parseSpec(rawConfig(swarm({}, { hosts: [{ ...two[0], node: "fx9590.lan" }, two[1]] }))));
    expect(named.hosts[0].node).toBe("fx9590.lan");
  });

  it("refuses a bind address: Swarm publishes on every address of a node, so TLS must be on too", () => {
    expect(messages(swarm({ bindAddress: "127.0.0.1" }))).toEqual([expect.stringMatching(/^regstack:bindAddress: Swarm publishes the edge's ports on every address .*set regstack:bindAddress: 0\.0\.0\.0/)]);
    const { bindAddress: _unset, ...noBind } = swarm();
    expect(messages(noBind)).toEqual([expect.stringMatching(/^regstack:bindAddress: .*cannot bind them to 127\.0\.0\.1/)]);
    expect(messages(swarm({ tls: { mode: "off" } }))).toEqual([expect.stringMatching(/^regstack:tls\.mode: "off" serves registry logins in clear text/)]);
  });

  it("refuses DNS round robin through the ingress mesh, which Docker refuses", () => {
    expect(messages(swarm({}, { swarm: { endpointMode: "dnsrr" } }))).toEqual([expect.stringMatching(/^regstack:docker\.swarm\.endpointMode: "dnsrr" cannot publish ports through the ingress mesh/)]);
    expect(messages(swarm({}, { swarm: { endpointMode: "dnsrr", publishMode: "host" } }))).toEqual([]);
  });

  it("refuses one port published by two edges under the ingress mesh, which is one port space for the whole Swarm", () => {
    const mirrors = [
      { name: "dockerhub", upstream: "https://registry-1.docker.io", port: 5001, host: "fx8350" },
      { name: "ghcr", upstream: "https://ghcr.io", port: 5000, host: "fx8350" },
    ];
    expect(messages(swarm({ mirrors }))).toEqual([expect.stringMatching(/^regstack:mirrors\[1\]\.port: port 5000 is already published by regstack:ports\.registry on host "fx9590"/)]);
    expect(messages(swarm({ mirrors }, { swarm: { publishMode: "host" } }))).toEqual([]);
    const byHost = swarm({ mirrors: [mirrors[0]], edge: { routing: "host" } });
    expect(messages(byHost)).toEqual([expect.stringMatching(/^regstack:mirrors\[0\]\.host: puts a second edge on host "fx8350", and with edge\.routing "host" both edges publish port 443/)]);
  });

  it("refuses two hosts on one node", () => {
    expect(messages(swarm({}, { hosts: [two[0], { ...two[1], node: "fx9590" }] }))).toEqual([expect.stringMatching(/^regstack:docker\.hosts\[1\]\.node: .*fx9590/)]);
  });

  it("refuses Swarm keys in the per-host layout", () => {
    expect(messages({ ...minimal, docker: { hosts: [{ ...two[0], node: "x" }], swarm: { publishMode: "host" } } })).toEqual([
      expect.stringMatching(/^regstack:docker\.swarm: applies to regstack:docker\.mode "swarm" only/),
      expect.stringMatching(/^regstack:docker\.hosts\[0\]\.node: names a Swarm node/),
    ]);
    expect(messages({ ...minimal, docker: { mode: "swarn" } })).toEqual([expect.stringMatching(/^regstack:docker\.mode: /)]);
  });
});
