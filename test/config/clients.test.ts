import { parseSpec } from "../../components/config/parse";
import { problemsOf, rawConfig } from "../support/config";

const lan = { bindAddress: "0.0.0.0", domain: "nas.lan", users: [{ name: "ci" }, { name: "k3s", role: "pull" }] };

const problems = (values: Record<string, unknown>, secretKeys: string[] = []) => problemsOf(values, secretKeys).map((i) => i.path);

describe("regstack:clients", () => {
  it("defaults: root over port 22, kind's control-plane node, the first pull user for k3s", () => {
    const spec = parseSpec(
      rawConfig({
        ...lan,
        clients: [
          { name: "builder", kind: "docker", host: "builder.lan" },
          { name: "edge-k3s", kind: "k3s", host: "k3s.lan", user: "ops" },
          { name: "ci-kind", kind: "kind", host: "ci.lan" },
        ],
      }),
    );
    expect(spec.clients.map((c) => [c.name, c.user, c.port, c.nodes, c.login])).toEqual([
      ["builder", "root", 22, [], undefined],
      ["edge-k3s", "ops", 22, [], "k3s"],
      ["ci-kind", "root", 22, ["kind-control-plane"], undefined],
    ]);
    expect(spec.clients[1].service).toBe("k3s");
  });

  it("refuses clients without the edge, misplaced options, unknown logins and plaintext keys", () => {
    expect(problems({ users: [{ name: "ci" }], clients: [{ name: "a", kind: "docker", host: "a.lan" }] })).toEqual(["regstack:clients[0]"]);
    const found = problems({
      ...lan,
      clients: [
        { name: "a", kind: "docker", host: "a.lan", nodes: ["x"], login: "k3s" },
        { name: "b", kind: "k3s", host: "b.lan", login: "nobody", service: "k3s-agent" },
        { name: "c", kind: "kind", host: "c.lan", privateKey: "-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----" },
        { name: "c", kind: "podman", host: "d.lan" },
      ],
    });
    expect(found.sort()).toEqual(
      [
        "regstack:clients[0].login",
        "regstack:clients[0].nodes",
        "regstack:clients[1].login",
        "regstack:clients[2].privateKey",
        "regstack:clients[3].kind",
        "regstack:clients[3].name",
      ].sort(),
    );
  });
});
