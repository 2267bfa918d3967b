import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { registryPaths, serviceNames, uiPaths } from "../render/paths";
import { renderUiEnv } from "../render/ui";
import { Limits } from "../spec/types";
import { HostRuntime, httpHealthcheck, serviceContainer } from "./runtime";

export interface RegistryUiArgs {
  readonly runtime: HostRuntime;
  readonly image: pulumi.Input<string>;
  readonly title: string;
  readonly deleteEnabled: boolean;
  /** Published port; undefined behind the edge. */
  readonly publishedPort?: number;
  readonly limits: Limits;
  /** The registry container: the UI proxies to it. */
  readonly registry: pulumi.Resource;
}

/** The joxit registry UI in single-registry mode, proxying to the registry over the platform network. */
export class RegistryUi extends pulumi.ComponentResource {
  public readonly container: docker.Container;

  constructor(name: string, args: RegistryUiArgs, opts?: pulumi.ComponentResourceOptions) {
    super("regstack:docker:RegistryUi", name, {}, opts);
    this.container = serviceContainer(
      `${name}-container`,
      args.runtime,
      {
        role: "ui",
        image: args.image,
        aliases: [serviceNames.ui],
        limits: args.limits,
        envs: renderUiEnv({
          title: args.title,
          registryUrl: `http://${serviceNames.registry}:${registryPaths.port}`,
          deleteEnabled: args.deleteEnabled,
        }),
        ports: args.publishedPort === undefined ? [] : [{ internal: uiPaths.port, external: args.publishedPort }],
        healthcheck: httpHealthcheck(`http://127.0.0.1:${uiPaths.port}/`),
      },
      { parent: this, dependsOn: [args.registry] },
    );
    this.registerOutputs({ container: this.container.name });
  }
}
