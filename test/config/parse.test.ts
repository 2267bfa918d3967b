import { ConfigError, ConfigIssue } from "../../components/config/issues";
import { parseSpec } from "../../components/config/parse";
import { PlatformSpec } from "../../components/config/types";
import { readStackConfig, shippedStacks } from "../../offline/stackConfig";
import { minimal, problemsOf, rawConfig , dockerOf } from "../support/config";

function problems(values: Record<string, unknown>, secretKeys: string[] = []): ConfigIssue[] {
  const found = problemsOf(values, secretKeys);
  if (found.length === 0) throw new Error("expected the config to be rejected");
  return found;
}

function parse(values: Record<string, unknown>, secretKeys: string[] = []): PlatformSpec {
  return parseSpec(rawConfig(values, secretKeys));
}

describe("shipped stacks", () => {
  it.each(shippedStacks())("Pulumi.%s.yaml parses into a spec", (stack) => {
    const spec = parseSpec(readStackConfig(stack));
    expect(spec.stack).toBe(stack);
    expect(spec.users.length).toBeGreaterThan(0);
  });

  it("ships local, dev and nas", () => {
    expect(shippedStacks()).toEqual(expect.arrayContaining(["dev", "local", "nas"]));
  });
});

describe("defaults", () => {
  const spec = parse(minimal);

  it("targets the local Docker engine on loopback", () => {
    expect(spec.target.kind).toBe("docker");
    expect(dockerOf(spec).hosts).toEqual([{ name: "local", url: "unix:///var/run/docker.sock", sshOpts: [], address: "localhost", dataPath: undefined, node: "local" }]);
    expect(dockerOf(spec).mode).toEqual({ kind: "hosts" });
    expect(dockerOf(spec).bindAddress).toBe("127.0.0.1");
    expect(spec.loopbackOnly).toBe(true);
    expect(spec.domain).toBe("localhost");
  });

  it("runs registry 3.x with deletes enabled and a Docker Hub cache on 5001", () => {
    expect(spec.registry).toEqual({ version: "3", logLevel: "info", deleteEnabled: true });
    expect(spec.mirrors).toEqual([{ name: "dockerhub", upstream: "https://registry-1.docker.io", username: undefined, password: undefined, ttl: undefined, public: false }]);
    // Where a cache runs and on which port its edge listens are the docker target's.
    expect(dockerOf(spec).ports).toEqual({ registry: 5000, ui: 5080, grafana: 5030, mirrors: { dockerhub: 5001 } });
    expect(dockerOf(spec).mirrorHosts).toEqual({ dockerhub: "local" });
  });

  it("sizes limits for a 4 GiB NAS and keeps data on destroy", () => {
    const r = dockerOf(spec).resources;
    const total = r.registry.memoryMb + r.mirror.memoryMb * 3 + r.ui.memoryMb + r.redis.memoryMb + r.edge.memoryMb;
    expect(total).toBeLessThanOrEqual(1600);
    expect(spec.data).toEqual({ protect: true, deleteOnDestroy: false });
  });

  it("accepts numbers given as text, as `pulumi config set` stores scalars", () => {
    expect(dockerOf(parse({ ...minimal, ports: { registry: "6000" }, registry: { version: 2.8 } })).ports.registry).toBe(6000);
    expect(parse({ ...minimal, registry: { version: 2.8 } }).registry.version).toBe("2.8");
  });

  it("derives a host's address from its ssh url", () => {
    const spec2 = parse({ ...minimal, docker: { hosts: [{ name: "nas", url: "ssh://admin@pr4100.lan:2222" }] } });
    expect(dockerOf(spec2).hosts[0].address).toBe("pr4100.lan");
    expect(spec2.domain).toBe("pr4100.lan");
  });

  it("an empty mirror list turns the caches off", () => {
    expect(parse({ ...minimal, mirrors: [] }).mirrors).toEqual([]);
  });
});

describe("secrets", () => {
  it("keeps a password from secure config as a secret Output", async () => {
    const spec = parse({ users: [{ name: "alice", password: "correct-horse-battery" }] }, ["users"]);
    const password = spec.users[0].password!;
    expect(await (password as unknown as { isSecret: Promise<boolean> }).isSecret).toBe(true);
  });
});

/** Each case: a config and the full key path its error must name. */
const invalid: [string, string, Record<string, unknown>, RegExp][] = [
  ["no users", "regstack:users", {}, /required/],
  ["empty user list", "regstack:users", { users: [] }, /at least 1/],
  ["user without name", "regstack:users[0].name", { users: [{ role: "push" }] }, /required/],
  ["user name with a colon", "regstack:users[0].name", { users: [{ name: "a:b" }] }, /user name/],
  ["unknown role", "regstack:users[0].role", { users: [{ name: "ci", role: "admin" }] }, /"push", "pull"/],
  ["duplicate user", "regstack:users[1].name", { users: [{ name: "ci" }, { name: "ci" }] }, /already used/],
  ["only pull users", "regstack:users", { users: [{ name: "ci", role: "pull" }] }, /role "push"/],
  ["short password", "regstack:users[1].password", { users: [{ name: "ci" }, { name: "bob", password: "short" }] }, /at least 12/],
  ["unknown top-level key", "regstack:mirror", { ...minimal, mirror: [] }, /did you mean "mirrors"/],
  ["unknown nested key", "regstack:registry.verison", { ...minimal, registry: { verison: "3" } }, /did you mean "version"/],
  ["unsupported registry version", "regstack:registry.version", { ...minimal, registry: { version: "2.7" } }, /"3", "2.8"/],
  ["unknown target", "regstack:target", { ...minimal, target: "nomad" }, /"docker"/],
  ["port out of range", "regstack:ports.registry", { ...minimal, ports: { registry: 70000 } }, /1 to 65535/],
  ["port as text that is not a number", "regstack:ports.ui", { ...minimal, ports: { ui: "http" } }, /whole number/],
  ["mirror port clash", "regstack:mirrors[0].port", { ...minimal, mirrors: [{ name: "hub", upstream: "https://registry-1.docker.io", port: 5000 }] }, /already used by regstack:ports.registry/],
  ["mirror without upstream", "regstack:mirrors[0].upstream", { ...minimal, mirrors: [{ name: "hub", port: 5001 }] }, /required/],
  ["mirror upstream not a URL", "regstack:mirrors[0].upstream", { ...minimal, mirrors: [{ name: "hub", upstream: "docker.io", port: 5001 }] }, /http\(s\):\/\/ URL/],
  ["mirror on an unknown host", "regstack:mirrors[0].host", { ...minimal, mirrors: [{ name: "hub", upstream: "https://ghcr.io", port: 5001, host: "fx8350" }] }, /local/],
  ["mirror ttl on 2.8", "regstack:mirrors[0].ttl", { ...minimal, registry: { version: "2.8" }, mirrors: [{ name: "hub", upstream: "https://ghcr.io", port: 5001, ttl: "24h" }] }, /3\.x only/],
  ["mirror ttl not a duration", "regstack:mirrors[0].ttl", { ...minimal, mirrors: [{ name: "hub", upstream: "https://ghcr.io", port: 5001, ttl: "1 day" }] }, /Go duration/],
  ["mirror username without password", "regstack:mirrors[0].password", { ...minimal, mirrors: [{ name: "hub", upstream: "https://ghcr.io", port: 5001, username: "bot" }] }, /both/],
  ["duplicate mirror names", "regstack:mirrors[1].name", { ...minimal, mirrors: [{ name: "hub", upstream: "https://ghcr.io", port: 5001 }, { name: "hub", upstream: "https://quay.io", port: 5002 }] }, /already used/],
  ["bad docker endpoint", "regstack:docker.hosts[0].url", { ...minimal, docker: { hosts: [{ name: "nas", url: "pr4100.lan" }] } }, /Docker endpoint/],
  ["sshOpts on a unix socket", "regstack:docker.hosts[0].sshOpts", { ...minimal, docker: { hosts: [{ name: "local", url: "unix:///var/run/docker.sock", sshOpts: ["-v"] }] } }, /ssh:\/\//],
  ["relative data path", "regstack:docker.hosts[0].dataPath", { ...minimal, docker: { hosts: [{ name: "nas", url: "ssh://a@nas", dataPath: "data" }] } }, /absolute, normalised path/],
  ["bind address not an IP", "regstack:bindAddress", { ...minimal, bindAddress: "localhost" }, /IPv4/],
  ["memory below the floor", "regstack:resources.registry.memoryMb", { ...minimal, resources: { registry: { memoryMb: 4 } } }, /from 32 to 65536 \(MiB; 32 MiB, the least it runs in\)/],
  ["cpus not a number", "regstack:resources.mirror.cpus", { ...minimal, resources: { mirror: { cpus: "two" } } }, /number from/],
  ["redis maxmemory above its container", "regstack:redis.maxMemoryMb", { ...minimal, redis: { enabled: true, maxMemoryMb: 200 } }, /less than/],
  ["bcrypt cost too low", "regstack:access.bcryptCost", { ...minimal, access: { bcryptCost: 4 } }, /5 to 14/],
  ["log level", "regstack:registry.logLevel", { ...minimal, registry: { logLevel: "verbose" } }, /"error"/],
  ["log size", "regstack:logs.maxSize", { ...minimal, logs: { maxSize: "10MB" } }, /size above zero such as/],
  ["notification url", "regstack:notifications[0].url", { ...minimal, notifications: [{ name: "hook", url: "ftp://x" }] }, /URL/],
  ["notification header name", "regstack:notifications[0].headers.bad header", { ...minimal, notifications: [{ name: "hook", url: "https://x.lan/h", headers: { "bad header": "x" } }] }, /header name/],
  ["boolean as text", "regstack:ui.enabled", { ...minimal, ui: { enabled: "yes" } }, /true or false/],
  ["object where a list belongs", "regstack:users", { users: { name: "ci" } }, /expected a list/],
];

describe("invalid configs", () => {
  it("has at least 20 distinct cases", () => {
    expect(new Set(invalid.map(([, path]) => path)).size).toBeGreaterThanOrEqual(20);
  });

  it.each(invalid)("%s → names %s", (_name, path, values, message) => {
    const found = problems(values);
    const match = found.find((p) => p.path === path);
    expect(match).toBeDefined();
    expect(match!.message).toMatch(message);
  });

  it("reports every problem at once, each with its full key", () => {
    const found = problems({
      users: [{ name: "ci", role: "owner" }, { name: "Bad Name" }],
      ports: { registry: 0 },
      mirrors: [{ name: "hub", upstream: "nope", port: 5001 }],
      bindAdress: "0.0.0.0",
    });
    expect(found.map((p) => p.path)).toEqual(
      expect.arrayContaining([
        "regstack:users[0].role",
        "regstack:users[1].name",
        "regstack:ports.registry",
        "regstack:mirrors[0].upstream",
        "regstack:bindAdress",
      ]),
    );
    expect(found.find((p) => p.path === "regstack:bindAdress")!.message).toMatch(/did you mean "bindAddress"/);
  });

  it("formats the error as one line per problem", () => {
    try {
      parse({ users: [{ name: "ci", role: "x" }], ports: { ui: -1 } });
      throw new Error("not rejected");
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const lines = (err as Error).message.split("\n");
      expect(lines[0]).toBe("invalid regstack stack config: 2 problems");
      expect(lines.slice(1).sort()).toEqual([
        expect.stringMatching(/^  - regstack:ports\.ui: expected a whole number/),
        expect.stringMatching(/^  - regstack:users\[0\]\.role: expected one of/),
      ]);
    }
  });

  it("refuses a password kept in plaintext in the stack file", () => {
    const found = problems({ users: [{ name: "ci" }, { name: "alice", password: "correct-horse-battery" }] });
    expect(found).toEqual([
      { path: "regstack:users[1].password", message: expect.stringContaining("pulumi config set --secret --path 'regstack:users[1].password'") },
    ]);
  });

  it("refuses a mirror password kept in plaintext", () => {
    const found = problems({ ...minimal, mirrors: [{ name: "ghcr", upstream: "https://ghcr.io", port: 5002, username: "bot", password: "ghp_token" }] });
    expect(found.map((p) => p.path)).toEqual(["regstack:mirrors[0].password"]);
  });

  it("ignores keys of other namespaces (provider config)", () => {
    expect(() => parse({ ...minimal, "docker:host": "unix:///var/run/docker.sock" })).not.toThrow();
  });
});

describe("near misses and secrets in messages", () => {
  it.each(["regstak", "Regstack", "regstackk", "reg-stack"])("refuses the namespace %s with a did-you-mean, instead of dropping it", (ns) => {
    expect(problems({ ...minimal, [`${ns}:bindAddress`]: "0.0.0.0" })).toEqual([
      { path: `${ns}:bindAddress`, message: `unknown namespace "${ns}"; did you mean "regstack:bindAddress"?` },
    ]);
  });

  it("leaves other projects' keys alone", () => {
    expect(problemsOf({ ...minimal, "aws:region": "eu-west-1", "kubernetes:context": "kind" })).toEqual([]);
  });

  it("never repeats a secret value in a message", () => {
    const secretKey = "-----BEGIN PRIVATE KEY-----\nnot really base64 of a key at all\n-----END PRIVATE KEY-----";
    const found = problemsOf(
      {
        users: [{ name: "ci", password: "short-pw" }],
        clients: [{ name: "n", kind: "docker", host: "n.lan", privateKey: "hunter2-not-a-pem" }],
        bindAddress: "0.0.0.0",
        domain: "nas.lan",
        tls: { mode: "provided", certificate: { cert: "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----", key: secretKey } },
      },
      ["users", "clients", "tls"],
    );
    expect(found.map((p) => p.path)).toEqual(expect.arrayContaining(["regstack:clients[0].privateKey", "regstack:tls.certificate.key"]));
    const text = JSON.stringify(found);
    for (const secret of ["short-pw", "hunter2-not-a-pem", "not really base64"]) expect(text).not.toContain(secret);
  });
});
