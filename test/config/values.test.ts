/**
 * Values checked by their type, not by their look: Docker endpoints parsed (one user part, a host that
 * is a name or an IPv4 and never an ssh option, a port in range), IPv4 numbers 0-255, normalised data
 * paths, sizes above zero, one engine listed once; and stack-file values read as Pulumi gives them
 * (an empty value is empty, `.inf` and `.nan` are refused where they stand).
 */
import { MEMORY_FLOORS_MB } from "../../components/config/memoryFloors";
import { parseSpec } from "../../components/config/parse";
import { ConfigError } from "../../components/config/issues";
import { parseStackFile } from "../../offline/stackConfig";
import { StackFileError } from "../../components/config/stackFile";
import { minimal, problemsOf } from "../support/config";

const host = (fields: Record<string, unknown>) => ({ ...minimal, docker: { hosts: [{ name: "nas", url: "ssh://admin@nas.lan", ...fields }] } });
const paths = (values: Record<string, unknown>) => problemsOf(values).map((p) => p.path);

describe("values checked by their type", () => {
  it.each([
    ["ssh://a@b@nas", "two user parts"],
    ["ssh://-oProxyCommand=touch%20x", "a host ssh would read as an option"],
    ["ssh://admin@nas.lan:0", "port 0"],
    ["tcp://nas.lan:99999", "a port above 65535"],
    ["ssh://admin@10.0.0.300", "an IPv4 number above 255"],
    ["ssh://", "no host"],
    ["unix:///var/run/docker sock", "a space in a socket path"],
  ])("refuses the Docker endpoint %s (%s), naming the key", (url) => {
    expect(problemsOf(host({ url }))).toEqual([{ path: "regstack:docker.hosts[0].url", message: expect.stringContaining("expected a Docker endpoint") }]);
  });

  it.each(["ssh://admin@pr4100.lan", "ssh://ops@192.168.1.10:2222", "tcp://docker.lan:2376", "unix:///var/run/docker.sock"])("accepts the Docker endpoint %s", (url) => {
    expect(problemsOf(host({ url }))).toEqual([]);
  });

  it("refuses IPv4 numbers above 255 and dotted numbers that are not an address, wherever a host goes", () => {
    expect(paths(host({ address: "192.168.1.300" }))).toEqual(["regstack:docker.hosts[0].address"]);
    expect(paths({ ...minimal, domain: "10.1.2", bindAddress: "0.0.0.0" })).toEqual(["regstack:domain"]);
    expect(paths({ ...minimal, bindAddress: "0.0.0.256", domain: "nas.lan" })).toEqual(["regstack:bindAddress"]);
  });

  it.each(["/", "/srv/../etc", "/srv/./regstack", "/srv//regstack", "/srv/regstack/", "/srv/a:b", "relative/path", "/srv/tab\there"])("refuses the data path %j", (dataPath) => {
    expect(paths(host({ dataPath }))).toEqual(["regstack:docker.hosts[0].dataPath"]);
  });

  it("refuses log files of size 0, and one engine listed twice", () => {
    expect(paths({ ...minimal, logs: { maxSize: "0m" } })).toEqual(["regstack:logs.maxSize"]);
    expect(problemsOf({ ...minimal, docker: { hosts: [{ name: "a", url: "ssh://ops@fx.lan" }, { name: "b", url: "ssh://ops@fx.lan" }] }, mirrors: [] })).toEqual([
      { path: "regstack:docker.hosts[1].url", message: 'Docker endpoint "ssh://ops@fx.lan" is already used by entry [0]' },
    ]);
  });
});

describe("stack-file values as Pulumi gives them", () => {
  it("an empty value is the empty text, refused where a value is needed; never the text null", () => {
    const config = parseStackFile("t", "config:\n  regstack:users: [{name: ci}]\n  regstack:domain:\n");
    expect(config.values["regstack:domain"]).toBe("");
    try {
      parseSpec(config);
      throw new Error("accepted");
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).issues.map((i) => i.path)).toEqual(["regstack:domain"]);
    }
  });

  it("refuses .inf and .nan where they stand, instead of letting them become the default", () => {
    try {
      parseStackFile("t", "config:\n  regstack:resources:\n    registry:\n      memoryMb: .inf\n  regstack:logs:\n    maxFiles: .nan\n", "Pulumi.t.yaml");
      throw new Error("accepted");
    } catch (err) {
      expect(err).toBeInstanceOf(StackFileError);
      expect((err as StackFileError).problems).toEqual([
        "Pulumi.t.yaml:4:17: .inf is not a number a setting can take: give a finite number",
        "Pulumi.t.yaml:6:15: .nan is not a number a setting can take: give a finite number",
      ]);
    }
  });
});

describe("conflicts across keys, found by running the real tools", () => {
  const lan = { ...minimal, bindAddress: "0.0.0.0", domain: "registry.home.lan" };

  it("refuses a published port the edge uses inside (its metrics listener)", () => {
    expect(problemsOf({ ...minimal, ports: { registry: 9180 } })).toEqual([{ path: "regstack:ports.registry", message: "port 9180 is the edge's internal metrics listener: choose another" }]);
  });

  it("host routing: refuses an IP as the domain, and a cache named like the UI's site", () => {
    expect(paths({ ...lan, domain: "192.168.1.20", edge: { routing: "host" } })).toEqual(["regstack:domain"]);
    expect(problemsOf({ ...lan, edge: { routing: "host" }, mirrors: [{ name: "ui", upstream: "https://ghcr.io", port: 5002 }] })).toEqual([
      { path: "regstack:mirrors[0].name", message: 'with host routing "ui" is the UI\'s name (ui.<domain>): name the cache otherwise' },
    ]);
  });

  it("acme: refuses a loopback bind and host routing on port 80", () => {
    const acme = { tls: { mode: "acme", email: "ops@example.com" }, domain: "registry.example.com" };
    expect(paths({ ...minimal, ...acme })).toEqual(["regstack:tls.mode"]);
    expect(paths({ ...minimal, ...acme, bindAddress: "0.0.0.0", edge: { routing: "host", httpsPort: 80 } })).toEqual(["regstack:edge.httpsPort"]);
  });

  it("refuses two caches of one upstream (a client maps an upstream to one cache)", () => {
    expect(problemsOf({ ...minimal, mirrors: [{ name: "hub", upstream: "https://registry-1.docker.io", port: 5001 }, { name: "hub2", upstream: "https://Registry-1.docker.io/", port: 5002 }] })).toEqual([
      { path: "regstack:mirrors[1].upstream", message: 'upstream "https://registry-1.docker.io" is already used by entry [0]' },
    ]);
  });

  it("refuses a k3s client with no login to pull with, unless reads are open", () => {
    const k3s = { name: "node1", kind: "k3s", host: "node1.lan" };
    expect(problemsOf({ ...lan, clients: [k3s] })).toEqual([{ path: "regstack:clients[0].login", message: expect.stringContaining("no pull user to default to") }]);
    expect(problemsOf({ ...lan, clients: [k3s], users: [{ name: "ci" }, { name: "cluster", role: "pull" }] })).toEqual([]);
    expect(problemsOf({ ...lan, clients: [k3s], access: { anonymousPull: true } })).toEqual([]);
  });
});

describe("memory floors", () => {
  it("refuses a limit below what its program runs in, at its key, for every role; the floor itself is taken", () => {
    for (const [role, floor] of Object.entries(MEMORY_FLOORS_MB)) {
      const at = (mb: number) => problemsOf({ ...minimal, resources: { [role]: { memoryMb: mb } } }).map((i) => `${i.path}: ${i.message}`);
      expect(at(floor)).toEqual([]);
      expect(at(floor - 1)).toEqual([`regstack:resources.${role}.memoryMb: expected a whole number from ${floor} to 65536 (MiB; ${floor} MiB, the least it runs in), got number ${floor - 1}`]);
      const k8s = (q: string) => problemsOf({ ...minimal, target: "kubernetes", mirrors: [], kubernetes: { resources: { [role]: { limits: { memory: q }, requests: { memory: "1Mi" } } } } }).map((i) => i.path);
      expect(k8s(`${floor}Mi`)).toEqual([]);
      expect(k8s(`${floor - 1}Mi`)).toEqual([`regstack:kubernetes.resources.${role}.limits.memory`]);
    }
  });
});

describe("one bindAddress on several hosts", () => {
  const twoHosts = (bindAddress: string) => ({
    ...minimal,
    domain: "fx9590.lan",
    bindAddress,
    docker: { hosts: [{ name: "fx9590", url: "ssh://ops@fx9590.lan" }, { name: "fx8350", url: "ssh://ops@fx8350.lan" }] },
    mirrors: [{ name: "dockerhub", upstream: "https://registry-1.docker.io", port: 5001, host: "fx8350" }],
  });

  it("refuses one machine's address when edges run on two hosts; 0.0.0.0 binds each edge to its own host", () => {
    expect(problemsOf(twoHosts("192.168.1.10")).map((i) => `${i.path}: ${i.message}`)).toEqual([
      'regstack:bindAddress: 192.168.1.10 is an address of one machine, but edges run on the hosts "fx9590" and "fx8350" (each publishes its services\' ports): bind 0.0.0.0, so each edge listens on its own host\'s addresses',
    ]);
    expect(problemsOf(twoHosts("0.0.0.0"))).toEqual([]);
    // One host with edges: its address is its own business (Docker refuses one it lacks at up).
    expect(problemsOf({ ...twoHosts("192.168.1.10"), mirrors: [{ name: "dockerhub", upstream: "https://registry-1.docker.io", port: 5001, host: "fx9590" }] })).toEqual([]);
  });
});
