import { images } from "../../components/images";
import { Evaluation } from "../../offline/engine";
import { evaluateStack } from "../../offline/run";
import { containsSecret, findPlaintext, reveal } from "../../offline/secrets";
import { readStackConfig, shippedStacks, stacksOn } from "../../offline/stackConfig";
import { testCredentials } from "../../offline/files";
import { deterministicText } from "../../offline/mockValues";
import { byName, CONTAINER, ofType, services, VOLUME } from "../support/resources";
import { evaluateConfig } from "../../offline/run";
import { withKey , dockerOf } from "../support/config";

const evaluations = new Map<string, Evaluation>();
beforeAll(async () => {
  for (const stack of shippedStacks()) evaluations.set(stack, await evaluateStack(stack));
});
const each = () => stacksOn("docker");

describe.each(shippedStacks())("stack %s under the offline engine, on any target", (stack) => {
  const e = () => evaluations.get(stack)!;

  it("declares the platform with unique URNs", () => {
    const urns = e().resources.map((r) => r.urn);
    expect(urns.length).toBeGreaterThan(10);
    expect(new Set(urns).size).toBe(urns.length);
    expect(byName(e(), "regstack").type).toBe(`regstack:${e().platform!.spec.target.kind}:Platform`);
  });

  it("keeps every secret secret: passwords and http secrets never appear as plain values", () => {
    // Every generated secret's offline value: user passwords, http secrets, the Redis password.
    const generated = ofType(e(), "random:index/randomPassword:RandomPassword").map((r) =>
      deterministicText(`password/${r.name}`, r.inputs.length as number),
    );
    expect(generated).toEqual(expect.arrayContaining(Object.values(testCredentials(e()))));
    for (const r of e().resources) expect({ [r.name]: findPlaintext(r.inputs, generated) }).toEqual({ [r.name]: [] });
    expect(findPlaintext(e().outputs, generated)).toEqual([]);
    expect(containsSecret(e().outputs.credentials)).toBe(true);
  });

  it("renders no secret value into any plain file: passwords, http secrets, Redis and upstream passwords, private keys", () => {
    const secrets = [
      ...ofType(e(), "random:index/randomPassword:RandomPassword").map((r) => deterministicText(`password/${r.name}`, r.inputs.length as number)),
      ...Object.values(testCredentials(e())),
      ...e().files.filter((f) => f.secret).map((f) => f.content.trim()),
    ];
    const plain = e().files.filter((f) => !f.secret);
    for (const f of plain) {
      const leaks = secrets.filter((v) => v.length > 0 && f.content.includes(v));
      expect({ [`${f.service}:${f.path}`]: leaks }).toEqual({ [`${f.service}:${f.path}`]: [] });
      expect(f.content).not.toContain("PRIVATE KEY");
      expect(f.content).not.toMatch(/\$2[aby]\$\d\d\$/);
    }
    // Every configuration file is plain; only hashes, keys and passwords are secret files.
    for (const f of plain) expect(f.path).not.toMatch(/users$|names$|logins$|scrapers$|\.key$|auth\.conf$|\/secrets\//);
    for (const f of e().files.filter((x) => x.secret)) expect(f.path).toMatch(/\/users$|\/names$|\/logins$|\/scrapers$|\.key$|\/auth\.conf$|\/secrets\/[^/]+$/);
    expect(plain.map((f) => f.path)).toEqual(expect.arrayContaining(["/etc/caddy/live/Caddyfile"]));
  });

  it("exports URLs, mirror endpoints, login commands and client snippets", () => {
    const out = e().outputs;
    expect(out.registryUrl).toMatch(/^https?:\/\/[^/]+:\d+$/);
    expect(Object.keys(out.mirrors as object).length).toBeGreaterThan(0);
    expect(Object.values(out.loginCommands as Record<string, string>)[0]).toMatch(/^docker login \S+ --username \S+ --password-stdin$/);
    expect(JSON.parse(out.daemonJson as string)["registry-mirrors"].length).toBe(1);
    expect(Object.keys(out.containerdHosts as object)).toContain("docker.io");
    expect(reveal(out.k3sRegistriesYaml)).toContain("mirrors:");
  });
});

describe.each(each())("stack %s under the offline engine, on Docker", (stack) => {
  const e = () => evaluations.get(stack)!;

  it("puts every resource under a regstack component with an explicit Docker provider", () => {
    for (const r of e().resources) {
      if (r.name === "regstack") continue;
      expect(r.parent).not.toBe("");
      if (r.type.startsWith("docker:")) expect(r.provider).toMatch(/pulumi:providers:docker::regstack-/);
    }
  });

  it("runs only pinned images from the image table", () => {
    const pinned = new Set<string>(Object.values(images));
    for (const c of ofType(e(), CONTAINER)) {
      expect(pinned.has(c.inputs.image as string)).toBe(true);
      expect(c.inputs.image).not.toMatch(/:latest$/);
    }
  });

  it("limits memory and CPU, rotates logs and restarts every service", () => {
    for (const c of services(e())) {
      expect(c.inputs.memory).toBeGreaterThan(0);
      expect(Number(c.inputs.cpus)).toBeGreaterThan(0);
      expect(c.inputs.restart).toBe("unless-stopped");
      expect(c.inputs.logDriver).toBe("json-file");
      expect(c.inputs.logOpts).toEqual({ "max-size": expect.any(String), "max-file": expect.any(String) });
      expect(c.inputs.healthcheck).toBeDefined();
      expect(c.deleteBeforeReplace).toBe(true);
    }
  });

  it("runs registries as a non-root user without capabilities", () => {
    for (const c of services(e()).filter((s) => /registry|mirror/.test(s.name))) {
      expect(c.inputs.user).toBe("10500:10500");
      expect(c.inputs.capabilities).toEqual({ drops: ["ALL"] });
    }
  });

  it("never asks Docker to upload into a read-only container (it refuses)", () => {
    for (const c of ofType(e(), CONTAINER)) {
      if (c.inputs.readOnly === true) expect((reveal(c.inputs.uploads) as unknown[] | undefined) ?? []).toEqual([]);
    }
  });

  it("retains every data volume on delete", () => {
    // Data volumes carry the io.regstack.data label; the rest hold what is rewritten on every change
    // (config files, borrowed programs) or nothing that must survive (the maintenance flag).
    const isData = (v: { inputs: Record<string, unknown> }) => ((v.inputs.labels as { label: string }[]) ?? []).some((l) => l.label === "io.regstack.data");
    const data = ofType(e(), VOLUME).filter(isData);
    for (const v of ofType(e(), VOLUME).filter((x) => !isData(x))) expect(v.name).toMatch(/-(config|programs|volume-maintenance|volume-edge-log|volume-guard)$/);
    const onHostPaths = services(e()).some((c) => ((c.inputs.volumes as { hostPath?: string }[]) ?? []).some((v) => v.hostPath));
    // With a dataPath, data sits in host directories that no resource owns, so nothing can delete it.
    expect(data.length > 0 || onHostPaths).toBe(true);
    for (const v of data) expect(v.retainOnDelete).toBe(true);
  });

  const edges = () => services(e()).filter((c) => /^regstack-edge(-[a-z0-9-]+)?-container$/.test(c.name));

  it("has an edge on every stack, which never starts before its users file is written", () => {
    expect(edges().length).toBeGreaterThan(0);
    for (const edge of edges()) {
      expect(edge.dependsOn).toContain(byName(e(), edge.name.replace(/-container$/, "-writer")).urn);
    }
  });

  it("publishes the edge alone, on the configured bind address", () => {
    const published = services(e()).flatMap((c) => ((c.inputs.ports as { ip: string }[]) ?? []).map((p) => ({ name: c.name, ip: p.ip })));
    expect(published.length).toBeGreaterThan(0);
    for (const p of published) expect(p.name).toMatch(/^regstack-edge(-[a-z0-9-]+)?-container$/);
    expect(new Set(published.map((p) => p.ip)).size).toBe(1);
  });

  it("uploads plain config files in plain (previews show their diffs) and secret files as secrets", () => {
    const secretNames = new Set(e().files.filter((f) => f.secret).map((f) => f.path.split("/").pop()));
    // The edges' Caddyfiles (the scheduler carries a copy of each for the backup, under /opt/regstack).
    const caddyfiles = ofType(e(), CONTAINER).filter((c) =>
      ((reveal(c.inputs.uploads) as { file: string }[] | undefined) ?? []).some((u) => u.file.endsWith("/Caddyfile") && !u.file.startsWith("/opt/regstack/")),
    );
    expect(caddyfiles.length).toBe(edges().length);
    for (const c of ofType(e(), CONTAINER)) {
      const names = ((reveal(c.inputs.uploads) as { file: string }[] | undefined) ?? []).map((u) => u.file.split("/").pop()!);
      const anySecret = names.some((n) => secretNames.has(n));
      // An upload list is one input: secret as a whole when it holds a secret file, plain otherwise.
      expect({ [c.name]: containsSecret(c.inputs.uploads ?? []) }).toEqual({ [c.name]: anySecret });
    }
    // The Caddyfile travels apart from the users file and keys, so a preview shows its diff.
    for (const c of caddyfiles) expect(containsSecret(c.inputs.uploads)).toBe(false);
  });

  it("declares exactly the described services, each translated from its description alone", () => {
    const described = e().platform!.services;
    const containers = services(e());
    expect(containers.map((c) => c.name).sort()).toEqual(described.map((d) => `regstack-${d.id}-container`).sort());
    for (const d of described) {
      const c = reveal(byName(e(), `regstack-${d.id}-container`).inputs) as Record<string, unknown>;
      expect(c.image).toBe(images[d.image]);
      expect(c.name).toBe(`regstack-${e().stack}-${d.role}`);
      expect(c.user).toBe(d.user);
      // Docker uploads restart files into the root, which must then be writable.
      expect(c.readOnly).toBe(d.readOnlyRoot && !d.files.some((f) => f.onChange === "restart"));
      expect(c.command).toEqual(d.command);
      // Its aliases are on its own network, which exists when another service connects to it; a
      // debug listener's name is on its scrape network, which exists when another service scrapes it.
      const wanted = described.some((o) => o.placement === d.placement && o.connectsTo.includes(d.id));
      const debug = d.ports.find((p) => p.audience === "scrapers" && p.bind !== undefined);
      const scraped = debug !== undefined && described.some((o) => o.placement === d.placement && (o.scrapes ?? []).includes(d.id));
      const networks = c.networksAdvanced as { name: string; aliases?: string[] }[];
      expect(networks.flatMap((n) => n.aliases ?? [])).toEqual([...(wanted || d.connectsTo.length === 0 ? d.aliases : []), ...(scraped ? [debug.bind] : [])]);
      const envNames = ((c.envs as string[] | undefined) ?? []).map((v) => v.split("=")[0]).sort();
      expect(envNames).toEqual([...Object.keys(d.env), ...Object.keys(d.secretEnv)].sort());
      const ports = ((c.ports as { internal: number }[] | undefined) ?? []).map((p) => p.internal).sort();
      expect(ports).toEqual(d.ports.filter((p) => p.published).map((p) => p.port).sort());
      const uploads = ((c.uploads as { file: string }[] | undefined) ?? []).map((u) => u.file).sort();
      expect(uploads).toEqual(d.files.filter((f) => f.onChange === "restart").map((f) => f.path).sort());
      const installed = ["writer", "secret-writer"].flatMap((w) => {
        const installer = e().resources.find((r) => r.name === `regstack-${d.id}-${w}`);
        return installer ? (reveal(installer.inputs.uploads) as { file: string }[]).map((u) => u.file.split("/").pop()) : [];
      });
      expect(installed.sort()).toEqual(d.files.filter((f) => f.onChange === "reload").map((f) => f.path.split("/").pop()).sort());
      expect(c.memory).toBe(dockerOf(e().platform!.spec).resources[d.resources].memoryMb);
    }
  });
});

describe("the edge's user", () => {
  it.each(stacksOn("docker"))("%s: the edge listens on unprivileged ports only, so it runs as 10600 with no capability, its files and state its own", (stack) => {
    const e = evaluations.get(stack)!;
    const edge = byName(e, "regstack-edge-container");
    expect(edge.inputs.user).toBe("10600:10600");
    expect(edge.inputs.capabilities).toEqual({ drops: ["ALL"] });
    // The files it reads are installed as its own (a 0440 users file must be readable to it).
    expect(String(byName(e, "regstack-edge-secret-writer").inputs.command)).toContain("chown 10600:10600");
    expect(String(byName(e, "regstack-edge-prepare").inputs.command)).toContain("10600:10600");
  });

  it("on 443 (host routing) it keeps root with NET_BIND_SERVICE and the file-ownership capabilities only", async () => {
    const e = await evaluateConfig(withKey(withKey(readStackConfig("nas"), "edge", { routing: "host", httpsPort: 443 }), "domain", "registry.home.lan"));
    const edge = byName(e, "regstack-edge-container");
    expect(edge.inputs.user).toBeUndefined();
    expect((edge.inputs.capabilities as { adds: string[] }).adds).toEqual(["NET_BIND_SERVICE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "SETUID", "SETGID"]);
  });
});

describe("stack specifics", () => {
  it("local serves plain HTTP through the edge on loopback and is not protected", () => {
    const e = evaluations.get("local")!;
    const edge = byName(e, "regstack-edge-container");
    expect((edge.inputs.ports as { ip: string; external: number }[]).map((p) => `${p.ip}:${p.external}`).sort()).toEqual(["127.0.0.1:5000", "127.0.0.1:5001", "127.0.0.1:5080"]);
    expect(e.outputs.registryUrl).toBe("http://localhost:5000");
    expect(e.files.find((f) => f.path === "/etc/caddy/live/Caddyfile")!.content).toContain("http://:5000 {");
    expect(byName(e, "regstack-registry-data").protect).toBe(false);
  });

  it("dev uses two explicit Docker providers over ssh, caches on the FX-8350", () => {
    const e = evaluations.get("dev")!;
    const providers = ofType(e, "pulumi:providers:docker");
    expect(providers.map((p) => p.inputs.host).sort()).toEqual(["ssh://ops@fx8350.lan", "ssh://ops@fx9590.lan"]);
    const fx8350 = providers.find((p) => p.name === "regstack-fx8350-provider")!;
    const mirrorContainers = services(e).filter((c) => c.name.startsWith("regstack-mirror-"));
    expect(mirrorContainers.length).toBe(2);
    for (const m of mirrorContainers) expect(m.provider.startsWith(fx8350.urn)).toBe(true);
    expect(byName(e, "regstack-registry-data").protect).toBe(true);
    expect(e.outputs.mirrors).toEqual({
      dockerhub: { url: "https://fx8350.lan:5001", upstream: "https://registry-1.docker.io" },
      ghcr: { url: "https://fx8350.lan:5002", upstream: "https://ghcr.io" },
    });
  });

  it("nas keeps data on the share and fits 4 GiB of RAM with room to spare", () => {
    const e = evaluations.get("nas")!;
    const registry = byName(e, "regstack-registry-container");
    expect(registry.inputs.volumes).toEqual(expect.arrayContaining([expect.objectContaining({ hostPath: "/mnt/HD/HD_a2/regstack/registry", containerPath: "/var/lib/registry" })]));
    const total = services(e).reduce((sum, c) => sum + (c.inputs.memory as number), 0);
    // Monitoring included, the limits leave the NAS about 2.4 GiB (what the services use is far below:
    // npm run bench measures it).
    expect(total).toBeLessThanOrEqual(1664);
    expect(Object.keys(e.outputs.mirrors as object).sort()).toEqual(["dockerhub", "ghcr", "quay"]);
  });

  it("dev and nas run the Redis cache, local does not", () => {
    expect(evaluations.get("local")!.resources.some((r) => r.name === "regstack-redis-container")).toBe(false);
    for (const s of ["dev", "nas"]) expect(byName(evaluations.get(s)!, "regstack-redis-container").inputs.user).toBe("999:1000");
  });
});

describe("client trust", () => {
  it("dev pushes the CA to its Docker hosts and kind nodes, removing it before any replacement", () => {
    const e = evaluations.get("dev")!;
    const commands = ofType(e, "command:remote:Command");
    expect(commands.map((c) => c.name).sort()).toEqual(["regstack-client-fx8350-files", "regstack-client-fx9590-files", "regstack-client-playground-kind-files"]);
    for (const c of commands) {
      expect(c.deleteBeforeReplace).toBe(true);
      // @pulumi/command keeps the whole connection secret (it may hold a private key).
      expect(containsSecret(c.inputs.connection)).toBe(true);
      expect(reveal(c.inputs.connection)).toEqual(expect.objectContaining({ user: "ops", port: 22 }));
      expect(String(c.inputs.create)).toMatch(/\| base64 -d \| sudo -n sh -s$/);
      expect(String(c.inputs.delete)).toMatch(/\| base64 -d \| sudo -n sh -s$/);
    }
    const ca = e.outputs.caCertPem as string;
    const script = Buffer.from(/printf '%s' '([^']+)'/.exec(String(byName(e, "regstack-client-fx8350-files").inputs.create))![1], "base64").toString();
    expect(script).toContain(`/etc/docker/certs.d/fx9590.lan:5000/ca.crt`);
    expect(script).toContain(Buffer.from(ca).toString("base64"));
    expect(e.outputs.clientStatus).toEqual({ fx8350: "changed", fx9590: "changed", "playground-kind": "changed" });
  });

  it("keeps a k3s node's registry login secret in the command that writes it", async () => {
    const config = withKey(readStackConfig("dev"), "clients", [{ name: "k3s", kind: "k3s", host: "k3s.lan" }]);
    const e = await evaluateConfig(config);
    const create = byName(e, "regstack-client-k3s-files").inputs.create;
    expect(containsSecret(create)).toBe(true);
    const script = Buffer.from(/printf '%s' '([^']+)'/.exec(String(reveal(create)))![1], "base64").toString();
    const password = testCredentials(e).cluster;
    expect(script).toContain("/etc/rancher/k3s/registries.yaml");
    const payloads = [...script.matchAll(/printf '%s' '([A-Za-z0-9+/=]+)'/g)].map((m) => Buffer.from(m[1], "base64").toString());
    expect(payloads.find((p) => p.includes("mirrors:"))).toContain(`password: ${password}`);
  });
});

describe("the platform network is fenced by who connects to whom", () => {
  /** Per network on a host: the services (by container resource) that join it. */
  const members = (e: Evaluation): Record<string, string[]> => {
    const out: Record<string, string[]> = {};
    for (const c of services(e)) {
      for (const n of (reveal(c.inputs) as { networksAdvanced: { name: string }[] }).networksAdvanced) (out[n.name] ??= []).push(c.name.replace(/^regstack-|-container$/g, ""));
    }
    for (const k of Object.keys(out)) out[k].sort();
    return out;
  };

  it.each([
    {
      stack: "nas",
      what: "only the edge and the jobs reach the registry's API, only Prometheus its debug listener, only the registry, the jobs and redis_exporter reach Redis, only the edge a cache's API and only Prometheus its debug listener, only the edge the UI",
      networks: {
        "regstack-nas-registry": ["edge", "registry", "scheduler"],
        "regstack-nas-scrape-registry": ["prometheus", "registry"],
        "regstack-nas-redis": ["redis", "redis-exporter", "registry", "scheduler"],
        "regstack-nas-ui": ["edge", "ui"],
        "regstack-nas-mirror-dockerhub": ["edge", "mirror-dockerhub"],
        "regstack-nas-mirror-ghcr": ["edge", "mirror-ghcr"],
        "regstack-nas-mirror-quay": ["edge", "mirror-quay"],
        "regstack-nas-scrape-mirror-dockerhub": ["mirror-dockerhub", "prometheus"],
        "regstack-nas-scrape-mirror-ghcr": ["mirror-ghcr", "prometheus"],
        "regstack-nas-scrape-mirror-quay": ["mirror-quay", "prometheus"],
        // Monitoring: Prometheus reaches what it scrapes, Grafana reaches Prometheus, the edge reaches Grafana.
        "regstack-nas-edge": ["edge", "prometheus"],
        "regstack-nas-grafana": ["edge", "grafana", "prometheus"],
        // The failed-login guard talks to nobody: a network of its own, no member else.
        "regstack-nas-guard": ["guard"],
        "regstack-nas-prometheus": ["grafana", "prometheus"],
        "regstack-nas-alertmanager": ["alertmanager", "prometheus"],
        "regstack-nas-redis-exporter": ["prometheus", "redis-exporter"],
        "regstack-nas-node-exporter": ["node-exporter", "prometheus"],
      },
    },
    {
      stack: "dev",
      what: "each host fences its own services; the second host's edge reaches its caches and node-exporter only (Prometheus, on the first host, reads them through that edge, on the caches' scrape networks)",
      networks: {
        "regstack-dev-registry": ["edge", "registry", "scheduler"],
        "regstack-dev-scrape-registry": ["prometheus", "registry"],
        "regstack-dev-redis": ["redis", "redis-exporter", "registry", "scheduler"],
        "regstack-dev-ui": ["edge", "ui"],
        "regstack-dev-mirror-dockerhub": ["edge-fx8350", "mirror-dockerhub"],
        "regstack-dev-mirror-ghcr": ["edge-fx8350", "mirror-ghcr"],
        "regstack-dev-scrape-mirror-dockerhub": ["edge-fx8350", "mirror-dockerhub"],
        "regstack-dev-scrape-mirror-ghcr": ["edge-fx8350", "mirror-ghcr"],
        "regstack-dev-edge": ["edge", "prometheus"],
        "regstack-dev-grafana": ["edge", "grafana", "prometheus"],
        "regstack-dev-guard": ["guard"],
        "regstack-dev-guard-fx8350": ["guard-fx8350"],
        "regstack-dev-prometheus": ["grafana", "prometheus"],
        "regstack-dev-alertmanager": ["alertmanager", "prometheus"],
        "regstack-dev-redis-exporter": ["prometheus", "redis-exporter"],
        "regstack-dev-node-exporter": ["node-exporter", "prometheus"],
        "regstack-dev-node-exporter-fx8350": ["edge-fx8350", "node-exporter-fx8350"],
      },
    },
  ])("on $stack: $what", async ({ stack, networks }) => {
    expect(members(await evaluateStack(stack))).toEqual(networks);
  });
});
