import { parse } from "yaml";
import { renderContainerdHosts, renderDaemonJson, renderK3sRegistries, upstreamRegistryName } from "../../components/render/clients";
import { renderUiEnv } from "../../components/render/ui";

const view = {
  registry: "nas.lan:5000",
  scheme: "http" as const,
  mirrors: [
    { upstream: "https://registry-1.docker.io", endpoint: "nas.lan:5001", needsLogin: false },
    { upstream: "https://ghcr.io", endpoint: "nas.lan:5002", needsLogin: true },
  ],
};

describe("client snippets", () => {
  it("daemon.json mirrors Docker Hub only and lists plain-http registries as insecure", () => {
    const json = JSON.parse(renderDaemonJson(view));
    expect(json["registry-mirrors"]).toEqual(["http://nas.lan:5001"]);
    expect(json["insecure-registries"]).toEqual(["nas.lan:5000", "nas.lan:5001", "nas.lan:5002"]);
    expect(JSON.parse(renderDaemonJson({ ...view, scheme: "https" }))["insecure-registries"]).toBeUndefined();
  });

  it("k3s registries.yaml maps each upstream to its cache and carries the login when given", () => {
    const doc = parse(renderK3sRegistries(view, { username: "cluster", password: "pw" }));
    expect(doc.mirrors["docker.io"].endpoint).toEqual(["http://nas.lan:5001"]);
    expect(doc.mirrors["ghcr.io"].endpoint).toEqual(["http://nas.lan:5002"]);
    expect(doc.mirrors["nas.lan:5000"].endpoint).toEqual(["http://nas.lan:5000"]);
    expect(doc.configs["nas.lan:5000"].auth).toEqual({ username: "cluster", password: "pw" });
    // A cache that needs a login gets it too; an open one does not.
    expect(doc.configs["nas.lan:5002"].auth).toEqual({ username: "cluster", password: "pw" });
    expect(doc.configs["nas.lan:5001"]).toBeUndefined();
    expect(parse(renderK3sRegistries(view)).configs).toBeUndefined();
  });

  it("containerd hosts.toml per upstream directory", () => {
    const files = renderContainerdHosts(view);
    expect(Object.keys(files).sort()).toEqual(["docker.io", "ghcr.io", "nas.lan:5000"]);
    expect(files["docker.io"]).toContain('server = "https://registry-1.docker.io"');
    expect(files["docker.io"]).toContain('[host."http://nas.lan:5001"]');
    expect(files["ghcr.io"]).toContain('capabilities = ["pull", "resolve"]');
  });

  it("names Docker Hub docker.io and other upstreams by host", () => {
    expect(upstreamRegistryName("https://registry-1.docker.io")).toBe("docker.io");
    expect(upstreamRegistryName("https://quay.io")).toBe("quay.io");
  });
});

describe("UI settings", () => {
  it("single-registry mode on its own origin (the edge serves /v2/), deletes as the registry allows, digests shown", () => {
    const env = renderUiEnv({ title: "Home", deleteEnabled: false });
    expect(env).toEqual(
      expect.objectContaining({
        REGISTRY_TITLE: "Home",
        SINGLE_REGISTRY: "true",
        DELETE_IMAGES: "false",
        SHOW_CONTENT_DIGEST: "true",
      }),
    );
    // With no proxy URL the image leaves its nginx /v2 proxy out, and with no REGISTRY_URL the pages
    // call window.location.origin: the UI container never reaches the registry itself.
    expect(env).not.toHaveProperty("NGINX_PROXY_PASS_URL");
    expect(env).not.toHaveProperty("REGISTRY_URL");
  });
});
