/**
 * A valid config that sets every string-valued key regstack has (on the docker target, and on the
 * kubernetes one), so a test can put a hostile value at each of them in turn.
 */
export const HOST_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIIBAxAHykLgZiX5FmqFZgoZTvhu8X5G3loZ59e8Gr61N";

export const fullDockerConfig: Record<string, unknown> = {
  docker: {
    hosts: [
      { name: "nas", url: "ssh://admin@nas.lan:2222", sshOpts: ["-o", "ConnectTimeout=10"], hostKey: HOST_KEY, address: "nas.lan", dataPath: "/mnt/HD/HD_a2/regstack" },
      { name: "fx", url: "ssh://ops@192.168.1.20", address: "192.168.1.20" },
    ],
  },
  domain: "registry.lan",
  bindAddress: "0.0.0.0",
  logs: { maxSize: "10m", maxFiles: 3 },
  registry: { version: "3", logLevel: "info" },
  ui: { title: "Team registry" },
  redis: { enabled: true },
  tls: { mode: "internal", names: ["registry.team.lan"], ips: ["192.168.1.10"] },
  users: [
    { name: "ci", role: "push", password: "ci-password-0001" },
    { name: "cluster", role: "pull", password: "cluster-password-01" },
  ],
  mirrors: [
    { name: "dockerhub", upstream: "https://registry-1.docker.io", port: 5001, host: "fx", username: "teamhub", password: "hub-token-0001", ttl: "168h" },
    { name: "ghcr", upstream: "https://ghcr.io", port: 5002 },
  ],
  notifications: [{ name: "ci", url: "https://ci.team.lan/hooks/registry", timeout: "2s", backoff: "30s", headers: { Authorization: "Bearer hook-token-1", "X-Source": "regstack" }, ignoredMediaTypes: ["application/octet-stream"] }],
  clients: [
    { name: "fx-docker", kind: "docker", host: "fx.lan", user: "ops", hostKey: HOST_KEY },
    { name: "edge-k3s", kind: "k3s", host: "192.168.1.30", user: "root", login: "cluster", service: "k3s-agent" },
    { name: "playground", kind: "kind", host: "fx.lan", user: "ops", nodes: ["playground-control-plane"] },
  ],
  backup: { repository: "rest:https://backup.team.lan:8000/regstack", password: "restic-password-000001", environment: { RESTIC_REST_USERNAME: "regstack", RESTIC_REST_PASSWORD: "rest-password-1" }, schedule: "0 2 * * *" },
  gc: { schedule: "0 3 * * 0" },
  retention: { enabled: true, schedule: "0 1 * * 0", rules: [{ repositories: "team/*", excludeRepositories: ["team/base"], tags: "^pr-.*", excludeTags: ["^keep-"], protect: ["^v[0-9]+"] }] },
  sync: {
    enabled: true,
    schedule: "0 4 * * *",
    images: [{ source: "docker.io/library/alpine", target: "mirror/alpine", allow: ["^3\\."], deny: ["-rc"], platform: "linux/amd64" }],
    credentials: [{ registry: "docker.io", username: "teamhub", password: "hub-token-0002" }],
  },
  monitoring: {
    enabled: true,
    retention: "15d",
    receivers: [
      { name: "ops", kind: "ntfy", url: "https://ntfy.sh/team-registry", token: "tk_ntfy_token_1" },
      { name: "mail", kind: "email", to: "ops@team.lan", from: "registry@team.lan", smarthost: "mail.team.lan:587", username: "registry", password: "smtp-password-1" },
    ],
  },
};

export const fullKubernetesConfig: Record<string, unknown> = {
  target: "kubernetes",
  kubernetes: { namespace: "storage", context: "kind-playground", kubeconfig: "/home/ops/.kube/config", storage: { size: "20Gi", storageClass: "local-path" } },
  users: [{ name: "ci", role: "push", password: "ci-password-0001" }],
  ui: { title: "Cluster registry" },
  mirrors: [{ name: "dockerhub", upstream: "https://registry-1.docker.io", port: 30501 }],
  clients: [{ name: "kind", kind: "kind", host: "fx.lan", user: "ops", nodes: ["playground-control-plane"] }],
  tls: { mode: "internal" },
};
